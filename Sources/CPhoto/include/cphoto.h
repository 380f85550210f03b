#ifndef CPHOTO_H
#define CPHOTO_H
#include <stddef.h>

/// What became of a photo: made, or why not.
enum {
    CPHOTO_OK = 0,
    CPHOTO_NOT_IMAGE = 1,   // neither JPEG nor PNG
    CPHOTO_CORRUPT = 2,     // a JPEG or PNG that does not decode
    CPHOTO_TOO_LARGE = 3,   // more pixels than a phone's camera makes
    CPHOTO_UNSUPPORTED = 4, // a JPEG in CMYK
    CPHOTO_NO_MEMORY = 5,
};

typedef struct {
    unsigned char *data; // JPEG bytes, malloc'd: free with cphoto_free
    unsigned long size;
    int width;
    int height;
} cphoto_image;

/// Decodes a JPEG or PNG, turns it upright by its EXIF orientation, shrinks it so that its longer side is at
/// most `max_side`, and encodes it again as a baseline JPEG of `quality` (1-100) with no metadata at all.
int cphoto_make(const unsigned char *in, size_t length, int max_side, int quality, cphoto_image *out);
void cphoto_free(cphoto_image *image);

/// Pictures made from pixels (the demo's photos, the tests' inputs): `rgb` is width*height*3 bytes, `rgba`
/// width*height*4. Doudi stores only what cphoto_make made.
int cphoto_jpeg_from_rgb(const unsigned char *rgb, int width, int height, int quality, cphoto_image *out);
/// The pixels of a JPEG or PNG, upright, as width*height*3 RGB bytes in `data` (what a test looks at).
int cphoto_pixels(const unsigned char *in, size_t length, cphoto_image *out);
int cphoto_png_from_rgba(const unsigned char *rgba, int width, int height, cphoto_image *out);

#endif
