"use client";

/**
 * An uploaded file's pixel size, read as the browser loads it (the mask is painted at it) without
 * decoding it whole: `load` fires once the header is read, so a file declaring a huge size is
 * caught by its numbers before the page spends memory on its pixels. The object URL stays with the
 * caller, who revokes it when the picture leaves the page.
 */
export function readPicture(file: File): Promise<{ url: string; width: number; height: number }> {
  const url = URL.createObjectURL(file);
  return new Promise((resolve, reject) => {
    const picture = new Image();
    picture.onload = () => {
      if (picture.naturalWidth > 0 && picture.naturalHeight > 0) resolve({ url, width: picture.naturalWidth, height: picture.naturalHeight });
      else fail();
    };
    picture.onerror = fail;
    picture.src = url;
    function fail() {
      URL.revokeObjectURL(url);
      reject(new Error("this browser cannot read it as an image: it may be damaged, or not the picture its name says"));
    }
  });
}
