/// A photo taken on a visit (issue 14 item 3), as it is kept: a JPEG whose longer side is at most `side`
/// pixels, upright, with no metadata (no place, no camera), and a small copy for lists. Never on a public path.
public struct VisitPhoto: Sendable, Hashable {
    public var jpeg: [UInt8]
    public var thumbnail: [UInt8]
    public var width: Int
    public var height: Int

    public init(jpeg: [UInt8], thumbnail: [UInt8], width: Int, height: Int) {
        self.jpeg = jpeg; self.thumbnail = thumbnail; self.width = width; self.height = height
    }

    /// At most three photos a visit, each at most 10 MB as the phone sends it (a phone camera's JPEG is 2–6 MB).
    public static let most = 3
    public static let largestUpload = 10 << 20
    /// Enough to read a document held up to the camera, small enough for a village network: about 200 KB.
    public static let side = 1280
    public static let thumbnailSide = 240
    public static let quality = 80

    public static let tooMany = Message("每次走访最多上传3张照片", "at most 3 photos a visit")

    /// Why the photo numbered `n` (from 1) of a visit was not taken.
    public enum Refusal: Error, Sendable, Hashable {
        case tooLarge, notAnImage, unreadable, tooManyPixels, cmyk

        public func message(_ n: Int) -> Message {
            switch self {
            case .tooLarge: Message("第\(n)张照片超过10MB，请重新拍摄或选择较小的照片", "photo \(n) is larger than 10 MB: take it again or choose a smaller one")
            case .notAnImage: Message("第\(n)张照片不是JPEG或PNG图片", "photo \(n) is not a JPEG or PNG picture")
            case .unreadable: Message("第\(n)张照片已损坏，无法读取", "photo \(n) is damaged and cannot be read")
            case .tooManyPixels: Message("第\(n)张照片像素过多，无法处理", "photo \(n) has too many pixels to be processed")
            case .cmyk: Message("第\(n)张照片是印刷用的CMYK格式，请用手机拍摄的照片", "photo \(n) is in print (CMYK) colours: use a photo taken with a phone")
            }
        }
    }
}
