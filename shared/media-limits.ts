/**
 * What stops a post's images from going to a network, from its descriptor's `ImageLimits`:
 * shared by the composer (live) and the core (before scheduling), so both give the same answer.
 */
import type { ImageLimits } from './networks';

export interface ImageFacts {
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  alt: string;
}

export type ImageProblem =
  /** The network publishes no images from Parvis. */
  | { kind: 'no-images' }
  | { kind: 'too-many'; count: number; max: number }
  | { kind: 'too-large'; index: number; bytes: number; max: number }
  | { kind: 'type'; index: number; mime: string }
  | { kind: 'aspect-ratio'; index: number; ratio: number; min: number; max: number }
  /**
   * No alt text: Parvis asks for it on every image (people who use a screen reader only get the
   * picture through it), so an image without one cannot be scheduled.
   */
  | { kind: 'no-alt'; index: number }
  | { kind: 'alt-too-long'; index: number; length: number; max: number };

export function checkImages(images: readonly ImageFacts[], limits: ImageLimits | undefined | null): ImageProblem[] {
  if (images.length === 0) return [];
  if (!limits) return [{ kind: 'no-images' }];
  const problems: ImageProblem[] = [];
  if (images.length > limits.maxImages) problems.push({ kind: 'too-many', count: images.length, max: limits.maxImages });
  images.forEach((image, index) => {
    if (!limits.types.includes(image.mime)) problems.push({ kind: 'type', index, mime: image.mime });
    if (image.bytes > limits.maxBytes) problems.push({ kind: 'too-large', index, bytes: image.bytes, max: limits.maxBytes });
    if (limits.aspectRatio && image.width && image.height) {
      const ratio = image.width / image.height;
      if (ratio < limits.aspectRatio.min || ratio > limits.aspectRatio.max) {
        problems.push({ kind: 'aspect-ratio', index, ratio, min: limits.aspectRatio.min, max: limits.aspectRatio.max });
      }
    }
    const alt = image.alt.trim();
    if (!alt) problems.push({ kind: 'no-alt', index });
    else if (limits.maxAltLength !== null && [...alt].length > limits.maxAltLength) {
      problems.push({ kind: 'alt-too-long', index, length: [...alt].length, max: limits.maxAltLength });
    }
  });
  return problems;
}

/** The problem in plain English, for the core's logs and error messages (the renderer has its catalogues). */
export function describeImageProblem(p: ImageProblem): string {
  switch (p.kind) {
    case 'no-images':
      return 'this network publishes no images from Parvis';
    case 'too-many':
      return `${p.count} images, at most ${p.max}`;
    case 'too-large':
      return `image ${p.index + 1} is ${p.bytes} bytes, at most ${p.max}`;
    case 'type':
      return `image ${p.index + 1} is ${p.mime}, a type the network does not take`;
    case 'aspect-ratio':
      return `image ${p.index + 1} has proportions ${p.ratio.toFixed(2)}, between ${p.min} and ${p.max} allowed`;
    case 'no-alt':
      return `image ${p.index + 1} has no alt text`;
    case 'alt-too-long':
      return `image ${p.index + 1}'s alt text is ${p.length} characters, at most ${p.max}`;
  }
}
