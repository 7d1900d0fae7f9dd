/**
 * Hands a text file to the browser's download (web mode) or the window's (Electron): a Blob
 * behind an object URL, clicked through an anchor with `download`. CSV gets a byte order mark so
 * spreadsheets read its accents as UTF-8.
 */
export function saveTextFile(filename: string, text: string, type: string): void {
  const bom = type.startsWith('text/csv') ? '\uFEFF' : '';
  const url = URL.createObjectURL(new Blob([bom, text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has read the URL by the next task; keeping it longer would hold the text in memory.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
