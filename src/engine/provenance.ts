/**
 * Provenance of every file the browser engine writes. The watermark and the record are shared with
 * `npm run generate` (src/safety/fileProvenance.ts); this file adds the browser's encodings: mediabunny
 * MP4 metadata tags and PNG text entries.
 */
import type { MetadataTags } from 'mediabunny';
import { fileRecord, MP4_DESCRIPTION, type ProvenanceInfo } from '../safety/fileProvenance';
import { provenanceMp4Tags, provenancePngText } from '../safety/provenance';

export { applyWatermark, fileRecord, type FileRecord, type ProvenanceInfo } from '../safety/fileProvenance';

/** MP4 metadata tags: the record in `comment`, and a description naming the generator. */
export async function mp4Metadata(info: ProvenanceInfo): Promise<MetadataTags> {
  return { ...provenanceMp4Tags(await fileRecord(info)), description: MP4_DESCRIPTION, date: new Date() };
}

/** PNG text entries: the record under keyword `tessera`, and `Software: Tessera`. */
export async function pngMetadata(info: ProvenanceInfo): Promise<Record<string, string>> {
  return provenancePngText(await fileRecord(info));
}
