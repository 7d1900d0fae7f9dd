import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Tag } from '../../../shared/model';
import { api } from '../api';

/**
 * Colors offered to new tags: mid-tone hues that keep AA contrast for the chip text (the chip
 * uses the color as a dot and a tint, with the text in the theme's own color).
 */
export const TAG_COLORS = ['#d9480f', '#2b8a3e', '#1971c2', '#9c36b5', '#e67700', '#0c8599', '#c2255c', '#5f3dc4'] as const;

/** A stable color for a new tag, so the same name gets the same color on every machine. */
export function colorForTagName(name: string): string {
  let hash = 0;
  for (const char of name.toLowerCase()) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return TAG_COLORS[hash % TAG_COLORS.length] as string;
}

export const useTagsStore = defineStore('tags', () => {
  const tags = ref<Tag[]>([]);
  const byId = computed(() => new Map(tags.value.map((t) => [t.id, t])));
  const sorted = computed(() => [...tags.value].sort((a, b) => a.name.localeCompare(b.name)));

  async function load(): Promise<void> {
    tags.value = await api.call('tags.list', {});
  }

  /** Creates a tag (or returns the existing one with that name, whatever its case). */
  async function create(name: string): Promise<Tag> {
    const trimmed = name.trim();
    const existing = tags.value.find((t) => t.name.toLowerCase() === trimmed.toLowerCase());
    if (existing) return existing;
    const tag = await api.call('tags.create', { name: trimmed, color: colorForTagName(trimmed) });
    tags.value = [...tags.value, tag];
    return tag;
  }

  return { tags, byId, sorted, load, create };
});
