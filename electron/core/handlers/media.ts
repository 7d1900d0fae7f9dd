/** The local media library: add images (in parts), list them, set their alt text, delete unused ones. */
import type { MediaItem } from '../../../shared/media';
import type { MediaRow } from '../media/library';
import type { DomainHandlers } from './context';
import type { CoreServices } from './services';

type MediaCalls = 'media.uploadBegin' | 'media.uploadPart' | 'media.uploadFinish' | 'media.list' | 'media.setAlt' | 'media.delete';

export function mediaHandlers(s: CoreServices): DomainHandlers<MediaCalls> {
  const item = (row: MediaRow): MediaItem => ({
    id: row.id,
    sha256: row.sha256,
    mime: row.mime,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    alt: row.alt,
    name: row.name,
    thumbnail: s.media.thumbnailUrl(row),
    uses: s.media.uses(row.id),
    createdAt: row.created_at,
  });
  return {
    'media.uploadBegin': ({ size, name }) => ({ uploadId: s.media.begin(size, name) }),
    'media.uploadPart': ({ uploadId, offset, data }) => {
      const bytes = Buffer.from(data, 'base64');
      s.media.append(uploadId, offset, bytes);
      return { received: offset + bytes.byteLength };
    },
    'media.uploadFinish': ({ uploadId, thumbnail }) => item(s.media.finish(uploadId, thumbnail ? Buffer.from(thumbnail, 'base64') : null)),
    'media.list': ({ ids }) => (ids ? ids.map((id) => s.media.get(id)) : s.media.list()).map(item),
    'media.setAlt': ({ mediaId, alt }) => item(s.media.setAlt(mediaId, alt.trim())),
    'media.delete': ({ mediaId }) => {
      s.media.delete(mediaId);
      return { deleted: true as const };
    },
  };
}
