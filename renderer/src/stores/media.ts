import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Id } from '../../../shared/model';
import { MAX_MEDIA_BYTES, MEDIA_MIME_TYPES, MEDIA_PART_BYTES, type MediaItem } from '../../../shared/media';
import { api } from '../api';
import { useToastsStore } from './toasts';

/** The thumbnail the core keeps: at most 320 px a side and 48 KB (the core checks both). */
const THUMB_SIDE = 320;
const THUMB_MAX_BYTES = 48 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * A small JPEG of the image, drawn by the browser (which decodes every type Parvis takes): the
 * core has no image library to make one. Null when the browser cannot decode the file.
 */
async function thumbnailOf(file: Blob): Promise<string | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, THUMB_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    for (const quality of [0.8, 0.6, 0.4]) {
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
      if (blob && blob.size <= THUMB_MAX_BYTES) return toBase64(new Uint8Array(await blob.arrayBuffer()));
    }
    return null;
  } catch {
    return null;
  }
}

export type AddRefusal = 'notImage' | 'tooBig';

/** The local media library as the composer uses it: add images, read them, set their alt text. */
export const useMediaStore = defineStore('media', () => {
  const toasts = useToastsStore();
  const items = ref<Record<Id, MediaItem>>({});
  /** Names of the files being added. */
  const adding = ref<string[]>([]);

  function keep(item: MediaItem): MediaItem {
    items.value = { ...items.value, [item.id]: item };
    return item;
  }

  /** Reads items the composer shows (a post opened from the list). */
  async function ensure(ids: readonly Id[]): Promise<void> {
    const missing = ids.filter((id) => !items.value[id]);
    if (missing.length === 0) return;
    for (const item of await api.call('media.list', { ids: missing })) keep(item);
  }

  /** Adds a file the user picked or dropped: its bytes go to the core in parts, never its path. */
  async function add(file: File): Promise<MediaItem | AddRefusal> {
    const mime = (MEDIA_MIME_TYPES as readonly string[]).includes(file.type) ? (file.type as (typeof MEDIA_MIME_TYPES)[number]) : null;
    if (!mime) return 'notImage';
    if (file.size > MAX_MEDIA_BYTES) return 'tooBig';
    adding.value = [...adding.value, file.name];
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { uploadId } = await api.call('media.uploadBegin', { size: bytes.length, mime, name: file.name.slice(0, 255) });
      for (let offset = 0; offset < bytes.length; offset += MEDIA_PART_BYTES) {
        await api.call('media.uploadPart', { uploadId, offset, data: toBase64(bytes.subarray(offset, offset + MEDIA_PART_BYTES)) });
      }
      return keep(await api.call('media.uploadFinish', { uploadId, thumbnail: await thumbnailOf(file) }));
    } catch (error) {
      toasts.pushError(error, 'actions.addImage');
      throw error;
    } finally {
      adding.value = adding.value.filter((n, i) => n !== file.name || i !== adding.value.indexOf(file.name));
    }
  }

  /** Alt texts typed and not yet in the core, by image. */
  const pendingAlts = new Map<Id, ReturnType<typeof setTimeout>>();
  let savingAlts: Promise<void> = Promise.resolve();

  function saveAlt(id: Id): Promise<void> {
    const timer = pendingAlts.get(id);
    if (timer) clearTimeout(timer);
    pendingAlts.delete(id);
    const alt = items.value[id]?.alt ?? '';
    savingAlts = savingAlts.then(async () => {
      try {
        const saved = await api.call('media.setAlt', { mediaId: id, alt });
        // The text being typed stays as typed (the core trims it).
        keep({ ...saved, alt: items.value[id]?.alt ?? saved.alt });
      } catch (error) {
        toasts.pushError(error, 'actions.saveAlt');
      }
    });
    return savingAlts;
  }

  /** The alt text of an image as it is typed: shown at once, saved when typing pauses. */
  function editAlt(id: Id, alt: string): void {
    const item = items.value[id];
    if (!item) return;
    keep({ ...item, alt });
    const timer = pendingAlts.get(id);
    if (timer) clearTimeout(timer);
    pendingAlts.set(id, setTimeout(() => void saveAlt(id), 400));
  }

  /** Saves every alt text typed (before scheduling: the core checks them). */
  async function flushAlts(): Promise<void> {
    await Promise.all([...pendingAlts.keys()].map((id) => saveAlt(id)));
    await savingAlts;
  }

  return { items, adding, ensure, add, editAlt, flushAlts };
});
