/**
 * What stops each target of a post from going out, checked as the user types: the same rules as
 * the core's check before scheduling (`shared/text-length.ts`, from each network's descriptor), so
 * the reason shows before sending. Pure and fast: it runs on every keystroke for every target.
 */
import { publishesText, type NetworkInfo } from '../../../shared/networks';
import { countForNetwork } from '../../../shared/text-length';
import { checkImages, type ImageFacts, type ImageProblem } from '../../../shared/media-limits';

export type TargetProblem =
  | { kind: 'empty' }
  | { kind: 'too-long'; length: number; max: number }
  | { kind: 'cannot-publish' }
  | { kind: 'no-time' }
  | { kind: 'past-time' }
  /** An article network (WordPress) and no title. */
  | { kind: 'no-title' };

export interface TargetCheck {
  /** The text as the network receives it (the variant, with the link). */
  text: string;
  length: number;
  max: number;
  problems: TargetProblem[];
}

/** The text a target publishes: as the core builds it (`publishedText` in `electron/core/db/posts.ts`). */
export function publishedText(text: string, override: string | null, link: string | null): string {
  const body = (override ?? text).trim();
  const url = link?.trim();
  return url && !body.includes(url) ? `${body}\n\n${url}`.trim() : body;
}

export function checkTarget(
  input: { text: string; override: string | null; link: string | null; scheduledAt: number | null; title?: string | null },
  network: Pick<NetworkInfo, 'text' | 'publish' | 'titleRequired'> | undefined,
  now: number,
): TargetCheck {
  const text = publishedText(input.text, input.override, input.link);
  const problems: TargetProblem[] = [];
  if (!network || !publishesText(network.publish)) {
    return { text, length: [...text].length, max: 0, problems: [{ kind: 'cannot-publish' }] };
  }
  const length = countForNetwork(text, network.text);
  const max = network.text.maxReplyLength;
  if (!text.trim()) problems.push({ kind: 'empty' });
  else if (length > max) problems.push({ kind: 'too-long', length, max });
  if (network.titleRequired && !input.title?.trim()) problems.push({ kind: 'no-title' });
  if (input.scheduledAt === null) problems.push({ kind: 'no-time' });
  else if (input.scheduledAt < now) problems.push({ kind: 'past-time' });
  return { text, length, max, problems };
}

/**
 * What stops a target's images from going out, from its network's descriptor (the same rules as
 * the core's check before scheduling: `shared/media-limits.ts`).
 */
export function checkTargetImages(images: readonly ImageFacts[], network: Pick<NetworkInfo, 'publish' | 'images'> | undefined): ImageProblem[] {
  return checkImages(images, network?.publish.includes('image') ? network.images : undefined);
}
