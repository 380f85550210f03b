// Photos of visits, through Debian's libjpeg-turbo and libpng. libjpeg reports errors with longjmp, which
// Swift cannot take part in, so all of the decoding and encoding lives here behind one call.
#include "cphoto.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <png.h>

// A JPEG is decoded at 1/2, 1/4 or 1/8 scale, so a large one costs little; a PNG is decoded whole.
#define JPEG_MAX_PIXELS (200L * 1000 * 1000)
#define PNG_MAX_PIXELS (25L * 1000 * 1000)

// `ow`, `oh`: the size before a JPEG's scaled decoding, whose shape the result keeps.
typedef struct { unsigned char *px; int w, h, ow, oh; } rgb;

struct failure { struct jpeg_error_mgr pub; jmp_buf jump; };
static void fail(j_common_ptr c) { longjmp(((struct failure *)c->err)->jump, 1); }
static void quiet(j_common_ptr c) { (void)c; }  // warnings (a short file, stray bytes) are not printed

static unsigned read16(const unsigned char *p, int big) { return big ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]); }
static unsigned long read32(const unsigned char *p, int big) {
    return big ? (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3]
               : (unsigned long)p[3] << 24 | (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/// The EXIF orientation tag (1-8) of IFD0, 1 when there is none or it cannot be read.
static int orientation(jpeg_saved_marker_ptr m) {
    for (; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1 || m->data_length < 14 || memcmp(m->data, "Exif\0\0", 6) != 0) continue;
        const unsigned char *t = m->data + 6;
        unsigned long n = m->data_length - 6;
        int big = t[0] == 'M' && t[1] == 'M';
        if (!big && !(t[0] == 'I' && t[1] == 'I')) return 1;
        unsigned long ifd = read32(t + 4, big);
        if (ifd > n - 2) return 1;
        unsigned count = read16(t + ifd, big);
        for (unsigned i = 0; i < count; i++) {
            unsigned long e = ifd + 2 + 12UL * i;
            if (e + 12 > n) return 1;
            if (read16(t + e, big) == 0x0112) {
                unsigned v = read16(t + e + 8, big);
                return v >= 1 && v <= 8 ? (int)v : 1;
            }
        }
        return 1;
    }
    return 1;
}

static int decode_jpeg(const unsigned char *in, size_t length, int max_side, rgb *out, int *turn) {
    struct jpeg_decompress_struct c;
    struct failure f;
    unsigned char *volatile px = NULL;
    c.err = jpeg_std_error(&f.pub);
    f.pub.error_exit = fail;
    f.pub.output_message = quiet;
    if (setjmp(f.jump)) {
        jpeg_destroy_decompress(&c);
        free(px);
        return CPHOTO_CORRUPT;
    }
    jpeg_create_decompress(&c);
    jpeg_mem_src(&c, in, (unsigned long)length);
    jpeg_save_markers(&c, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&c, TRUE);
    if (c.image_width == 0 || c.image_height == 0 || (long)c.image_width * (long)c.image_height > JPEG_MAX_PIXELS) {
        jpeg_destroy_decompress(&c);
        return CPHOTO_TOO_LARGE;
    }
    if (c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&c);
        return CPHOTO_UNSUPPORTED;
    }
    *turn = orientation(c.marker_list);
    unsigned longest = c.image_width > c.image_height ? c.image_width : c.image_height;
    unsigned denom = 1;
    while (denom < 8 && longest / (denom * 2) >= (unsigned)max_side) denom *= 2;
    c.scale_num = 1;
    c.scale_denom = denom;
    c.out_color_space = JCS_RGB;
    jpeg_start_decompress(&c);
    size_t stride = (size_t)c.output_width * 3;
    px = malloc(stride * c.output_height);
    if (!px) {
        jpeg_destroy_decompress(&c);
        return CPHOTO_NO_MEMORY;
    }
    while (c.output_scanline < c.output_height) {
        JSAMPROW row = px + stride * c.output_scanline;
        jpeg_read_scanlines(&c, &row, 1);
    }
    jpeg_finish_decompress(&c);
    out->px = px;
    out->w = (int)c.output_width;
    out->h = (int)c.output_height;
    out->ow = (int)c.image_width;
    out->oh = (int)c.image_height;
    jpeg_destroy_decompress(&c);
    return CPHOTO_OK;
}

static int decode_png(const unsigned char *in, size_t length, rgb *out) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, in, length)) return CPHOTO_CORRUPT;
    if (img.width == 0 || img.height == 0 || (long)img.width * (long)img.height > PNG_MAX_PIXELS) {
        png_image_free(&img);
        return CPHOTO_TOO_LARGE;
    }
    img.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
    if (!px) {
        png_image_free(&img);
        return CPHOTO_NO_MEMORY;
    }
    png_color white = {255, 255, 255};  // what shows through a transparent screenshot
    if (!png_image_finish_read(&img, &white, px, 0, NULL)) {
        free(px);
        png_image_free(&img);
        return CPHOTO_CORRUPT;
    }
    out->px = px;
    out->w = out->ow = (int)img.width;
    out->h = out->oh = (int)img.height;
    return CPHOTO_OK;
}

/// An area average: every source pixel counts once, so a shrunken photo keeps its detail without aliasing.
static int shrink(rgb *img, int max_side) {
    long longest = img->ow > img->oh ? img->ow : img->oh;
    if (longest <= max_side) return CPHOTO_OK;
    int w = (int)((img->ow * (long)max_side + longest / 2) / longest), h = (int)((img->oh * (long)max_side + longest / 2) / longest);
    if (w > img->w) w = img->w;
    if (h > img->h) h = img->h;
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    unsigned char *dst = malloc((size_t)w * h * 3);
    if (!dst) return CPHOTO_NO_MEMORY;
    for (int y = 0; y < h; y++) {
        int y0 = (int)((long)y * img->h / h), y1 = (int)((long)(y + 1) * img->h / h);
        if (y1 <= y0) y1 = y0 + 1;
        for (int x = 0; x < w; x++) {
            int x0 = (int)((long)x * img->w / w), x1 = (int)((long)(x + 1) * img->w / w);
            if (x1 <= x0) x1 = x0 + 1;
            unsigned long sum[3] = {0, 0, 0};
            for (int sy = y0; sy < y1; sy++) {
                const unsigned char *p = img->px + ((size_t)sy * img->w + x0) * 3;
                for (int sx = x0; sx < x1; sx++, p += 3) { sum[0] += p[0]; sum[1] += p[1]; sum[2] += p[2]; }
            }
            unsigned long n = (unsigned long)(y1 - y0) * (unsigned long)(x1 - x0);
            unsigned char *d = dst + ((size_t)y * w + x) * 3;
            for (int k = 0; k < 3; k++) d[k] = (unsigned char)((sum[k] + n / 2) / n);
        }
    }
    free(img->px);
    img->px = dst;
    img->w = w;
    img->h = h;
    return CPHOTO_OK;
}

/// Turns the pixels as EXIF orientation `turn` says the camera held them (1: as stored).
static int upright(rgb *img, int turn) {
    if (turn <= 1 || turn > 8) return CPHOTO_OK;
    int w = img->w, h = img->h, swap = turn >= 5;
    int dw = swap ? h : w;
    unsigned char *dst = malloc((size_t)w * h * 3);
    if (!dst) return CPHOTO_NO_MEMORY;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int dx, dy;
            switch (turn) {
            case 2: dx = w - 1 - x; dy = y; break;
            case 3: dx = w - 1 - x; dy = h - 1 - y; break;
            case 4: dx = x; dy = h - 1 - y; break;
            case 5: dx = y; dy = x; break;
            case 6: dx = h - 1 - y; dy = x; break;
            case 7: dx = h - 1 - y; dy = w - 1 - x; break;
            default: dx = y; dy = w - 1 - x; break;  // 8
            }
            memcpy(dst + ((size_t)dy * dw + dx) * 3, img->px + ((size_t)y * w + x) * 3, 3);
        }
    }
    free(img->px);
    img->px = dst;
    if (swap) { img->w = img->ow = h; img->h = img->oh = w; }
    return CPHOTO_OK;
}

static int encode(const rgb *img, int quality, unsigned char **data, unsigned long *size) {
    struct jpeg_compress_struct c;
    struct failure f;
    c.err = jpeg_std_error(&f.pub);
    f.pub.error_exit = fail;
    f.pub.output_message = quiet;
    if (setjmp(f.jump)) {
        jpeg_destroy_compress(&c);
        free(*data);
        *data = NULL;
        return CPHOTO_NO_MEMORY;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, data, size);
    c.image_width = (JDIMENSION)img->w;
    c.image_height = (JDIMENSION)img->h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    c.optimize_coding = TRUE;
    jpeg_start_compress(&c, TRUE);
    size_t stride = (size_t)img->w * 3;
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = img->px + stride * c.next_scanline;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return CPHOTO_OK;
}

/// Decoded (a JPEG at the smallest scale still `max_side` long), shrunk and turned upright.
static int decode(const unsigned char *in, size_t length, int max_side, rgb *img) {
    int turn = 1, rc;
    if (!in) return CPHOTO_NOT_IMAGE;
    if (length >= 3 && in[0] == 0xFF && in[1] == 0xD8 && in[2] == 0xFF) {
        rc = decode_jpeg(in, length, max_side, img, &turn);
    } else if (length >= 8 && memcmp(in, "\x89PNG\r\n\x1a\n", 8) == 0) {
        rc = decode_png(in, length, img);
    } else {
        return CPHOTO_NOT_IMAGE;
    }
    if (rc == CPHOTO_OK) rc = shrink(img, max_side);
    if (rc == CPHOTO_OK) rc = upright(img, turn);
    return rc;
}

int cphoto_pixels(const unsigned char *in, size_t length, cphoto_image *out) {
    memset(out, 0, sizeof *out);
    rgb img = {NULL, 0, 0, 0, 0};
    int rc = decode(in, length, 1 << 30, &img);
    if (rc != CPHOTO_OK) {
        free(img.px);
        return rc;
    }
    out->data = img.px;
    out->size = (unsigned long)img.w * (unsigned long)img.h * 3;
    out->width = img.w;
    out->height = img.h;
    return CPHOTO_OK;
}

int cphoto_make(const unsigned char *in, size_t length, int max_side, int quality, cphoto_image *out) {
    memset(out, 0, sizeof *out);
    if (max_side < 1 || quality < 1 || quality > 100) return CPHOTO_NOT_IMAGE;
    rgb img = {NULL, 0, 0, 0, 0};
    int rc = decode(in, length, max_side, &img);
    unsigned char *data = NULL;
    unsigned long size = 0;
    if (rc == CPHOTO_OK) rc = encode(&img, quality, &data, &size);
    free(img.px);
    if (rc != CPHOTO_OK) return rc;
    out->data = data;
    out->size = size;
    out->width = img.w;
    out->height = img.h;
    return CPHOTO_OK;
}

void cphoto_free(cphoto_image *image) {
    if (!image) return;
    free(image->data);
    image->data = NULL;
    image->size = 0;
}

int cphoto_jpeg_from_rgb(const unsigned char *px, int width, int height, int quality, cphoto_image *out) {
    memset(out, 0, sizeof *out);
    if (!px || width < 1 || height < 1 || quality < 1 || quality > 100) return CPHOTO_NOT_IMAGE;
    rgb img = {(unsigned char *)px, width, height, width, height};
    unsigned char *data = NULL;
    unsigned long size = 0;
    int rc = encode(&img, quality, &data, &size);
    if (rc != CPHOTO_OK) return rc;
    out->data = data;
    out->size = size;
    out->width = width;
    out->height = height;
    return CPHOTO_OK;
}

int cphoto_png_from_rgba(const unsigned char *rgba, int width, int height, cphoto_image *out) {
    memset(out, 0, sizeof *out);
    if (!rgba || width < 1 || height < 1) return CPHOTO_NOT_IMAGE;
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)width;
    img.height = (png_uint_32)height;
    img.format = PNG_FORMAT_RGBA;
    png_alloc_size_t size = 0;
    if (!png_image_write_get_memory_size(img, size, 0, rgba, 0, NULL)) return CPHOTO_NO_MEMORY;
    unsigned char *data = malloc(size);
    if (!data) return CPHOTO_NO_MEMORY;
    if (!png_image_write_to_memory(&img, data, &size, 0, rgba, 0, NULL)) {
        free(data);
        return CPHOTO_NO_MEMORY;
    }
    out->data = data;
    out->size = (unsigned long)size;
    out->width = width;
    out->height = height;
    return CPHOTO_OK;
}
