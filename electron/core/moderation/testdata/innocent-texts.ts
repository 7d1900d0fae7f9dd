/**
 * Innocent French and English texts that contain offensive substrings (the Scunthorpe problem)
 * or words that are offensive only in another sense or language. The matcher must find nothing
 * in any of them. Reusable data (tests, benchmarks, demos).
 */
import type { LexiconLanguage } from '../lexicon';

export interface InnocentText {
  text: string;
  /** The language the message is in (what a network or the detector would say). */
  language: LexiconLanguage;
  /** The offensive substring or sense it could be mistaken for. */
  trap: string;
}

export const INNOCENT_TEXTS: readonly InnocentText[] = [
  // English
  { language: 'en', trap: 'cunt', text: 'Scunthorpe United won at home on Saturday.' },
  { language: 'en', trap: 'ass', text: 'The assassin was caught by the police.' },
  { language: 'en', trap: 'ass', text: 'A classic case of bad luck, please assess the damage.' },
  { language: 'en', trap: 'cock', text: 'We had a cocktail in the cockpit bar, then watched Hitchcock.' },
  { language: 'en', trap: 'dick', text: 'I love reading Dickens and Emily Dickinson.' },
  { language: 'en', trap: 'sex', text: 'We visited Sussex, Essex and Middlesex last summer.' },
  { language: 'en', trap: 'rapist', text: 'My therapist is great and very patient.' },
  { language: 'en', trap: 'anal', text: 'Let us analyse the analytics; the canal plan is banal.' },
  { language: 'en', trap: 'rape', text: 'Grapefruit juice, grapes and a drape by the skyscraper.' },
  { language: 'en', trap: 'rape', text: 'The oilseed rape fields are bright yellow in May.' },
  { language: 'en', trap: 'rapping', text: 'He was rapping on the door all night.' },
  { language: 'en', trap: 'cum', text: 'She graduated magna cum laude, with cumulative honours, and loves cumin.' },
  { language: 'en', trap: 'dick', text: 'Moby Dick is a novel; Philip K. Dick wrote science fiction.' },
  { language: 'en', trap: 'coon', text: 'Our Maine Coon chased a raccoon into the cocoon of a tycoon.' },
  { language: 'en', trap: 'chink', text: 'He found a chink in the armour of the champion.' },
  { language: 'en', trap: 'homo', text: 'Homo sapiens evolved alongside Homo erectus.' },
  { language: 'en', trap: 'nigger', text: 'The Niger river flows through Nigeria and Niger.' },
  { language: 'en', trap: 'nigger', text: 'A niggardly budget made him snigger.' },
  { language: 'en', trap: 'shit', text: 'Add some shitake mushrooms to the soup.' },
  { language: 'en', trap: 'tit', text: 'A great tit and a blue tit at the feeder, tit for tat.' },
  { language: 'en', trap: 'penis', text: 'Penistone and Clitheroe are towns in the north of England.' },
  { language: 'en', trap: 'semen', text: 'Semantic search improves the documentation.' },
  { language: 'en', trap: 'spic', text: 'The food in Pakistani cuisine is spicy, with a little paprika.' },
  { language: 'en', trap: 'crap', text: 'We caught crappie fish and scrapped the old boat.' },
  { language: 'en', trap: 'pussy', text: 'A pussy willow grows next to the pussy cat basket.' },
  { language: 'en', trap: 'bite', text: 'The dog may bite, so grab a quick bite elsewhere.' },
  { language: 'en', trap: 'con', text: 'We listed the pros and cons before the Comic Con convention.' },
  { language: 'en', trap: 'retard', text: 'Flame retardant materials are tested before sale.' },
  { language: 'en', trap: 'button', text: 'Press the button on the buttress, then butter the toast.' },
  { language: 'en', trap: 'hoe', text: 'Shoes, hoes and a shovel are in the shed.' },
  { language: 'en', trap: 'fag', text: 'Fagin is a character in Oliver Twist.' },
  { language: 'en', trap: 'cock', text: 'A shuttlecock, a peacock and a cockatoo walked into a bar.' },
  { language: 'en', trap: 'tit', text: 'The title of the constitution competition is on the website.' },
  { language: 'en', trap: 'whore', text: 'A whorl of leaves grows at each node.' },
  { language: 'en', trap: 'ass', text: 'The Massachusetts bassist passed the class with compassion.' },
  { language: 'en', trap: 'dyke', text: 'Dick Van Dyke sang in the film.' },
  { language: 'en', trap: 'sex', text: 'The sextant and the sextet are on the same page.' },
  { language: 'en', trap: 'negro', text: 'The Rio Negro joins the Amazon near Manaus.' },
  // French
  { language: 'fr', trap: 'con', text: 'Une bonne connaissance du conseil municipal.' },
  { language: 'fr', trap: 'con', text: 'Je prépare une salade de concombre pour le concours.' },
  { language: 'fr', trap: 'bite', text: 'Le bitume est tout neuf sur la route.' },
  { language: 'fr', trap: 'cul', text: 'La maison est au fond du cul-de-sac.' },
  { language: 'fr', trap: 'con', text: 'Conrad a apporté un chili con carne.' },
  { language: 'fr', trap: 'retard', text: 'Le train a du retard, désolé pour le retard.' },
  { language: 'fr', trap: 'salope', text: 'Ma salopette en jean est au lavage.' },
  { language: 'fr', trap: 'cul', text: "C'est une question de culture, il faut reculer et faire le calcul." },
  { language: 'fr', trap: 'cul', text: 'Il a bu son verre cul sec.' },
  { language: 'fr', trap: 'pute', text: 'La députée est réputée pour ses disputes, elle veut imputer la faute.' },
  { language: 'fr', trap: 'nique', text: "C'est une technique unique, pas de panique." },
  { language: 'fr', trap: 'nique', text: 'On organise un pique-nique dimanche au parc.' },
  { language: 'fr', trap: 'raton', text: 'Un raton laveur a renversé la poubelle.' },
  { language: 'fr', trap: 'tapette', text: 'Passe-moi la tapette à mouches, il y en a partout.' },
  { language: 'fr', trap: 'bitte', text: "Le bateau est amarré à la bitte d'amarrage." },
  { language: 'fr', trap: 'bâtard', text: 'Je voudrais un pain bâtard et deux croissants.' },
  { language: 'fr', trap: 'fdp', text: 'Livraison : FDP offerts dès 50 € sur la boutique.' },
  { language: 'fr', trap: 'youpin', text: "Youpi, c'est les vacances !" },
  { language: 'fr', trap: 'pédé', text: "La randonnée pédestre et la pédiatrie n'ont rien à voir." },
  { language: 'fr', trap: 'pd', text: 'Envoyez-moi le PDF, le PDG attend.' },
  { language: 'fr', trap: 'con', text: "La conférence sur la confiture commence à l'heure." },
  { language: 'fr', trap: 'cons', text: 'Les consommateurs sont contents des conseils.' },
  { language: 'fr', trap: 'conne', text: 'Un cône de glace et des cônes de signalisation.' },
  { language: 'fr', trap: 'rape', text: 'Du fromage râpé et une râpe à fromage.' },
  { language: 'fr', trap: 'abruti', text: 'Un travail abrutissant ne doit pas vous abrutir.' },
  { language: 'fr', trap: 'glandu', text: 'Une infection glandulaire est soignée.' },
  { language: 'fr', trap: 'faggot', text: 'Il a fagoté le bois en fagots pour l’hiver.' },
  { language: 'fr', trap: 'ordure', text: 'Le ramassage des ordures ménagères a lieu le mardi.' },
  { language: 'fr', trap: 'anal', text: "L'analyse des données est dans le canal habituel." },
  { language: 'fr', trap: 'cul', text: 'Une culotte, un culte, une culbute et une bascule.' },
  { language: 'fr', trap: 'sale noir', text: "Le sol est sale. Noir de suie, il faut le laver." },
  { language: 'fr', trap: 'con', text: 'Le Comic Con de Paris ouvre ses portes.' },
  { language: 'fr', trap: 'négro', text: 'Le negro spiritual est un genre musical ancien.' },
  { language: 'fr', trap: 'con', text: 'Je suis convaincu que Constance a raison.' },
  { language: 'fr', trap: 'ntm', text: 'Le concert de Suprême NTM était génial.' },
];
