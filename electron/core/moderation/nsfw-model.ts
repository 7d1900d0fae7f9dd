/**
 * The nudity classifier: nsfwjs's MobileNetV2 model (MIT) on TensorFlow.js's pure JavaScript CPU
 * backend. The model's topology and weights are JavaScript modules inside the nsfwjs package
 * (node_modules/nsfwjs/dist/models/mobilenet_v2), imported from disk: nothing is fetched, and the
 * screening worker that runs this has no `fetch` at all (see nsfw-worker.ts).
 *
 * Loading takes about a second and inference about as long per image on one core, so this runs in
 * a worker thread, never on the main thread of the app.
 */
import * as tf from '@tensorflow/tfjs';
import { load } from 'nsfwjs/core';
import { MobileNetV2Model } from 'nsfwjs/models/mobilenet_v2';

/** The model's input: a 224×224 RGB image. */
export const MODEL_INPUT_SIZE = 224;

/** nsfwjs's classes, in lower case (the keys of `MediaScreenResult.labels`). */
export const NSFW_LABELS = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'] as const;
export type NsfwLabel = (typeof NSFW_LABELS)[number];
export type NsfwLabels = Record<NsfwLabel, number>;

/**
 * How much of the "sexy" class counts as unsafe. nsfwjs describes it as "sexually explicit images,
 * not pornography": lingerie, swimwear, nudity without a sexual act. Only a confident verdict
 * should blur on its own (at 0.8, "sexy" alone reaches the default threshold of 0.7 from 0.875),
 * while it still adds to a porn or hentai score when the model hesitates between them.
 */
export const SEXY_WEIGHT = 0.8;

/**
 * The probability that an image is not safe for work. The five classes are one softmax over
 * exclusive outcomes, so the chance that an image is explicit is porn + hentai (a sum, not a max:
 * an image the model splits 0.4 / 0.4 between photo and drawing porn is explicit at 0.8, where
 * the max would say 0.4), plus the weighted share of "sexy".
 */
export function nsfwScore(labels: NsfwLabels): number {
  const score = labels.porn + labels.hentai + SEXY_WEIGHT * labels.sexy;
  return Math.min(1, Math.max(0, score));
}

/** A loaded model. */
export interface NsfwModel {
  /** Classifies `MODEL_INPUT_SIZE`² RGB pixels in 0–255 (see `resizeForModel`). */
  classify(pixels: Float32Array): Promise<NsfwLabels>;
  dispose(): void;
}

/**
 * Loads MobileNetV2 from the files of the nsfwjs package and warms it up (nsfwjs runs one
 * prediction on zeros, so the first real image is not slower than the next).
 */
export async function loadNsfwModel(): Promise<NsfwModel> {
  // The CPU backend explicitly: the tfjs bundle also registers WebGL, which has no context in Node.
  await tf.setBackend('cpu');
  await tf.ready();
  // Production mode silences tfjs's console banner inviting to install the native Node backend
  // (which downloads a binary at install time, so Parvis does not use it).
  tf.enableProdMode();
  // nsfwjs advertises its hosting instructions with console.info at each load: keep logs quiet.
  const info = console.info;
  console.info = () => {};
  let net: Awaited<ReturnType<typeof load>>;
  try {
    net = await load('MobileNetV2', { modelDefinitions: [MobileNetV2Model], size: MODEL_INPUT_SIZE });
  } finally {
    console.info = info;
  }
  return {
    async classify(pixels) {
      if (pixels.length !== MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3) {
        throw new Error(`The model takes ${MODEL_INPUT_SIZE}×${MODEL_INPUT_SIZE} RGB pixels.`);
      }
      const input = tf.tensor3d(pixels, [MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3], 'float32');
      try {
        const predictions = await net.classify(input, NSFW_LABELS.length);
        const labels: NsfwLabels = { drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0 };
        for (const p of predictions) {
          const key = p.className.toLowerCase() as NsfwLabel;
          if (key in labels) labels[key] = p.probability;
        }
        return labels;
      } finally {
        input.dispose();
      }
    },
    dispose() {
      net.dispose();
    },
  };
}
