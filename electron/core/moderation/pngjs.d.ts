/**
 * The part of pngjs 7 that image screening uses (the package ships no types, and @types/pngjs is
 * not installed). Synchronous read and write only: the screening worker decodes off the main thread.
 */
declare module 'pngjs' {
  interface PNGOptions {
    width?: number;
    height?: number;
    /** 8 or 16 when writing. */
    bitDepth?: 8 | 16;
    /** 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA (default). */
    colorType?: 0 | 2 | 4 | 6;
    inputColorType?: 0 | 2 | 4 | 6;
    inputHasAlpha?: boolean;
  }

  interface PNGImage {
    width: number;
    height: number;
    /** 8-bit RGBA, row-major, whatever the file's colour type. */
    data: Buffer;
    gamma?: number;
  }

  class PNG implements PNGImage {
    constructor(options?: PNGOptions);
    width: number;
    height: number;
    data: Buffer;
    gamma: number;
    static sync: {
      read(buffer: Buffer, options?: { checkCRC?: boolean; skipRescale?: boolean }): PNGImage;
      write(png: PNGImage, options?: PNGOptions): Buffer;
    };
  }
}
