import CPhoto
import DoudiDomain

/// Makes a visit's photo from what a phone sent: decoded, turned upright, made smaller and encoded again by
/// libjpeg-turbo and libpng (`CPhoto`), so that no byte of the upload (nor its EXIF place) is stored.
public enum PhotoMaker {
    public static func photo(_ upload: [UInt8]) -> Result<VisitPhoto, VisitPhoto.Refusal> {
        guard upload.count <= VisitPhoto.largestUpload else { return .failure(.tooLarge) }
        switch (encoded(upload, side: VisitPhoto.side, quality: VisitPhoto.quality), encoded(upload, side: VisitPhoto.thumbnailSide, quality: 70)) {
        case (.success(let full), .success(let small)):
            return .success(VisitPhoto(jpeg: full.bytes, thumbnail: small.bytes, width: full.width, height: full.height))
        case (.failure(let refusal), _), (_, .failure(let refusal)):
            return .failure(refusal)
        }
    }

    /// The photos of one visit, or every reason one of them was refused (numbered from 1).
    public static func make(_ uploads: [[UInt8]]) -> Result<[VisitPhoto], ProblemList> {
        guard uploads.count <= VisitPhoto.most else { return .failure(ProblemList([FieldProblem("photos", VisitPhoto.tooMany)])) }
        var photos: [VisitPhoto] = [], problems: [FieldProblem] = []
        for (i, upload) in uploads.enumerated() {
            switch photo(upload) {
            case .success(let p): photos.append(p)
            case .failure(let r): problems.append(FieldProblem("photos", r.message(i + 1)))
            }
        }
        return problems.isEmpty ? .success(photos) : .failure(ProblemList(problems))
    }

    struct Made { var bytes: [UInt8]; var width: Int; var height: Int }

    static func encoded(_ upload: [UInt8], side: Int, quality: Int) -> Result<Made, VisitPhoto.Refusal> {
        var image = cphoto_image()
        let rc = upload.withUnsafeBufferPointer { cphoto_make($0.baseAddress, $0.count, Int32(side), Int32(quality), &image) }
        defer { cphoto_free(&image) }
        switch Int(rc) {
        case Int(CPHOTO_OK):
            guard let data = image.data else { return .failure(.unreadable) }
            return .success(Made(bytes: Array(UnsafeBufferPointer(start: data, count: Int(image.size))), width: Int(image.width), height: Int(image.height)))
        case Int(CPHOTO_NOT_IMAGE): return .failure(.notAnImage)
        case Int(CPHOTO_TOO_LARGE): return .failure(.tooManyPixels)
        case Int(CPHOTO_UNSUPPORTED): return .failure(.cmyk)
        default: return .failure(.unreadable)
        }
    }
}

extension PhotoMaker {
    /// A JPEG of the given RGB pixels (`width * height * 3` bytes): the demo's pictures.
    public static func jpeg(rgb: [UInt8], width: Int, height: Int, quality: Int = VisitPhoto.quality) -> [UInt8]? {
        guard rgb.count == width * height * 3 else { return nil }
        var image = cphoto_image()
        defer { cphoto_free(&image) }
        let rc = rgb.withUnsafeBufferPointer { cphoto_jpeg_from_rgb($0.baseAddress, Int32(width), Int32(height), Int32(quality), &image) }
        guard rc == CPHOTO_OK, let data = image.data else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(image.size)))
    }
}
