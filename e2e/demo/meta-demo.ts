/**
 * The demo brand on Facebook and Instagram: the Atelier Lumen Page with a few posts commented on in
 * French and English, Messenger conversations (one fresh, one past 24 hours, one past 7 days, to
 * show the messaging window in the composer), and the linked Instagram account with comments on
 * its media, a mention and Direct messages. Written into the local Graph API (e2e/networks/meta.ts).
 */
import type { DemoPerson } from '../networks/demo-activity';
import type { MetaControl } from '../networks/meta';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Page-scoped and Instagram-scoped ids for a person, stable for the demo. */
function idsOf(index: number): { psid: string; asid: string; igsid: string } {
  return { psid: String(6_100_000_000 + index), asid: String(10_200_000_000 + index), igsid: String(17_841_000_000 + index) };
}

const usernameOf = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');

/** Adds the Page, its Instagram account and their history; returns the Page and Instagram ids. */
export function writeMetaDemo(control: MetaControl, people: readonly DemoPerson[]): { pageId: string; igUserId: string } {
  const { page, instagram } = control.addPage({ name: 'Atelier Lumen', instagram: { username: 'atelier.lumen', name: 'Atelier Lumen' } });
  const fr = people.filter((p) => p.lang === 'fr');
  const en = people.filter((p) => p.lang === 'en');
  const person = (list: readonly DemoPerson[], i: number) => {
    const p = list[i % Math.max(1, list.length)] ?? people[i % people.length]!;
    const index = people.indexOf(p);
    return { ...p, ...idsOf(index), username: usernameOf(p.name) };
  };

  const dune = control.post(page.id, { message: 'La lampe Dune arrive en trois teintes : craie, sable et cuivre. Laquelle préférez-vous ?', ageMs: 3 * DAY });
  const halo = control.post(page.id, { message: 'Our Halo pendant now ships to the UK and Ireland. Questions about delivery? Ask away!', ageMs: 2 * DAY });
  const comments: [typeof dune, DemoPerson[], number, string, number][] = [
    [dune, fr, 0, 'La cuivre, sans hésiter ! Elle sera disponible quand ?', 60 * HOUR],
    [dune, fr, 1, 'Est-ce que l’ampoule est fournie avec la Dune ?', 40 * HOUR],
    [dune, fr, 2, 'Ma Dune craie grésille un peu quand je baisse la lumière, c’est normal ?', 20 * HOUR],
    [halo, en, 0, 'How long does delivery take to Dublin?', 30 * HOUR],
    [halo, en, 1, 'Is the Halo compatible with a smart dimmer?', 9 * HOUR],
    [halo, en, 2, 'Ordered two weeks ago, still nothing. Order 48213.', 3 * HOUR],
    [dune, fr, 3, 'Vous livrez en Belgique ?', 90 * 60_000],
  ];
  for (const [post, list, i, text, age] of comments) {
    const p = person(list, i);
    control.comment(post.id, { message: text, from: { id: p.asid, name: p.name }, ageMs: age });
  }
  // The Page answered one of them.
  const answered = [...control.comments.values()].find((c) => c.message.startsWith('Est-ce que l’ampoule'));
  if (answered) control.comment(answered.postId, { message: 'Oui, une ampoule LED E27 de 6 W est fournie.', from: { id: page.id, name: page.name }, parentId: answered.id, ageMs: 38 * HOUR });

  const threads: [DemoPerson[], number, string[], number][] = [
    [fr, 4, ['Bonjour, je voudrais changer l’adresse de livraison de ma commande 51877.'], 2 * HOUR],
    [en, 3, ['Hi! Do you offer gift wrapping?', 'It’s for my sister’s birthday on Saturday.'], 5 * HOUR],
    [fr, 5, ['Ma lampe Halo est arrivée avec le verre fêlé, que dois-je faire ?'], 3 * DAY],
    [en, 4, ['Can I still return the Dune I bought last month?'], 9 * DAY],
  ];
  for (const [list, i, texts, age] of threads) {
    const p = person(list, i);
    texts.forEach((text, k) => control.message(page.id, { from: { id: p.psid, name: p.name }, text, ageMs: age - k * 60_000 }));
  }

  const media = [
    control.media(instagram!.id, { caption: 'Dune cuivre, au coucher du soleil ✨ #design #luminaire', ageMs: 4 * DAY }),
    control.media(instagram!.id, { caption: 'Behind the scenes: hand-finishing the Halo shades in our Lyon workshop.', ageMs: 30 * HOUR }),
  ];
  const igComments: [number, DemoPerson[], number, string, number][] = [
    [0, fr, 6, 'Magnifique 😍 elle existe en plus grand ?', 70 * HOUR],
    [0, fr, 7, 'Quel est le prix de la version cuivre ?', 26 * HOUR],
    [1, en, 5, 'Love this! Do you do workshop visits?', 20 * HOUR],
    [1, en, 6, 'What bulb do you recommend for the Halo?', 6 * HOUR],
    [0, fr, 8, 'Livraison possible en Suisse ?', 4 * HOUR],
    [1, en, 7, 'Stunning craftsmanship 👏', 2 * HOUR],
  ];
  for (const [m, list, i, text, age] of igComments) {
    const p = person(list, i);
    control.igComment(media[m]!.id, { text, from: { id: p.igsid, username: p.username }, ageMs: age });
  }
  const tagger = person(fr, 9);
  control.media(instagram!.id, { caption: `Mon salon enfin éclairé grâce à @atelier.lumen 💡`, taggedBy: tagger.username, ageMs: 12 * HOUR });
  const dms: [DemoPerson[], number, string, number][] = [
    [fr, 10, 'Bonjour ! Est-ce que vous faites des remises pour les architectes d’intérieur ?', 8 * HOUR],
    [en, 8, 'Hi, my order 50211 shows delivered but I never got it.', 90 * 60_000],
  ];
  for (const [list, i, text, age] of dms) {
    const p = person(list, i);
    control.message(page.id, { platform: 'instagram', from: { id: p.igsid, name: p.name, username: p.username }, text, ageMs: age });
  }
  return { pageId: page.id, igUserId: instagram!.id };
}
