/**
 * What a generation was asked for, as its row stores it (the columns history shows, filters on,
 * regenerates from and archives). The request's own field names are the gateway's
 * (lib/generations/request-schema.ts); these are the database's.
 */
export type GenerationParameters = {
  prompt: string;
  model: string;
  size: string;
  quality: string;
  outputFormat: string;
  outputCompression: number | null;
  background: string;
  moderation: string;
  n: number;
  partialImages: number;
  fallback: boolean;
};
