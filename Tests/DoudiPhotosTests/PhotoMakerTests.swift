import CPhoto
import DoudiDomain
import DoudiPhotos
import Testing

/// Pixels in, pictures out: what the tests feed the maker and read back from it.
enum Picture {
    /// `width × height`, the left half red and the right half blue, the top row's first quarter green.
    static func halves(_ width: Int, _ height: Int) -> [UInt8] {
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                if y < max(1, height / 10) && x < width / 4 { px[i + 1] = 255 } else if x < width / 2 { px[i] = 255 } else { px[i + 2] = 255 }
            }
        }
        return px
    }

    static func jpeg(_ width: Int, _ height: Int) -> [UInt8] { PhotoMaker.jpeg(rgb: halves(width, height), width: width, height: height, quality: 95)! }

    static func png(rgba: [UInt8], _ width: Int, _ height: Int) -> [UInt8] {
        var image = cphoto_image()
        defer { cphoto_free(&image) }
        #expect(rgba.withUnsafeBufferPointer { cphoto_png_from_rgba($0.baseAddress, Int32(width), Int32(height), &image) } == CPHOTO_OK)
        return Array(UnsafeBufferPointer(start: image.data, count: Int(image.size)))
    }

    struct Pixels { var width: Int; var height: Int; var rgb: [UInt8]
        func at(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) { let i = (y * width + x) * 3; return (Int(rgb[i]), Int(rgb[i + 1]), Int(rgb[i + 2])) }
    }

    static func pixels(_ jpeg: [UInt8]) -> Pixels? {
        var image = cphoto_image()
        defer { cphoto_free(&image) }
        guard jpeg.withUnsafeBufferPointer({ cphoto_pixels($0.baseAddress, $0.count, &image) }) == CPHOTO_OK, let data = image.data else { return nil }
        return Pixels(width: Int(image.width), height: Int(image.height), rgb: Array(UnsafeBufferPointer(start: data, count: Int(image.size))))
    }

    /// The JPEG with an EXIF block saying the camera was held with `orientation` (1-8) and where it was.
    static func withExif(_ jpeg: [UInt8], orientation: UInt16) -> [UInt8] {
        // TIFF, little-endian: IFD0 with the orientation and a GPS pointer (the place a phone writes).
        var tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 2, 0]
        tiff += [0x12, 0x01, 3, 0, 1, 0, 0, 0, UInt8(orientation), 0, 0, 0]
        tiff += [0x25, 0x88, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0]
        tiff += [0, 0, 0, 0]
        let body = Array("Exif\0\0".utf8) + tiff + Array("GPS 28.2N 112.9E".utf8)
        let length = body.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body + jpeg.dropFirst(2)
    }

    static func contains(_ hay: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        return hay.count >= n.count && (0...(hay.count - n.count)).contains { hay[$0..<($0 + n.count)].elementsEqual(n) }
    }
}

@Suite("Photos of visits: made upright, smaller and without metadata")
struct PhotoMakerTests {
    @Test("a phone's photo is shrunk to 1280 on its longer side and 240 for the list, keeping its shape", arguments: [
        (4000, 3000, 1280, 960, 240, 180), (3000, 4000, 960, 1280, 180, 240), (2000, 1000, 1280, 640, 240, 120),
        (1280, 720, 1280, 720, 240, 135), (640, 480, 640, 480, 240, 180), (100, 50, 100, 50, 100, 50),
    ])
    func sizes(width: Int, height: Int, w: Int, h: Int, tw: Int, th: Int) throws {
        let photo = try PhotoMaker.photo(Picture.jpeg(width, height)).get()
        #expect((photo.width, photo.height) == (w, h))
        let full = try #require(Picture.pixels(photo.jpeg)), small = try #require(Picture.pixels(photo.thumbnail))
        #expect((full.width, full.height) == (w, h))
        #expect((small.width, small.height) == (tw, th), "a small picture is never made larger than its photo")
        #expect(Array(photo.jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
        // Colours survive: red on the left, blue on the right.
        let left = full.at(w / 4, h / 2), right = full.at(w * 3 / 4, h / 2)
        #expect(left.r > 200 && left.b < 60 && right.b > 200 && right.r < 60)
    }

    @Test("a photo taken with the phone turned is stored upright, whatever the EXIF orientation", arguments: [
        // orientation → where the stored picture's green corner (the camera's top-left) ends up
        (UInt16(1), false, "topLeft"), (2, false, "topRight"), (3, false, "bottomRight"), (4, false, "bottomLeft"),
        (5, true, "topLeft"), (6, true, "topRight"), (7, true, "bottomRight"), (8, true, "bottomLeft"),
    ])
    func orientation(_ turn: UInt16, swapped: Bool, corner: String) throws {
        let photo = try PhotoMaker.photo(Picture.withExif(Picture.jpeg(400, 200), orientation: turn)).get()
        let px = try #require(Picture.pixels(photo.jpeg))
        #expect((px.width, px.height) == (swapped ? (200, 400) : (400, 200)))
        let points = ["topLeft": (2, 2), "topRight": (px.width - 3, 2), "bottomRight": (px.width - 3, px.height - 3), "bottomLeft": (2, px.height - 3)]
        for (name, (x, y)) in points {
            let c = px.at(x, y)
            #expect((c.g > 200 && c.r < 80) == (name == corner), "\(name) of orientation \(turn): \(c)")
        }
        #expect(!Picture.contains(photo.jpeg, "Exif") && !Picture.contains(photo.jpeg, "GPS"), "no place and no camera are kept")
        #expect(!Picture.contains(photo.thumbnail, "Exif"))
    }

    @Test("a PNG screenshot is kept as JPEG, its transparent parts white") func png() throws {
        var rgba = [UInt8](repeating: 0, count: 300 * 100 * 4)
        for i in stride(from: 0, to: rgba.count, by: 4) where (i / 4) % 300 < 150 { rgba[i] = 255; rgba[i + 3] = 255 }  // left opaque red
        let photo = try PhotoMaker.photo(Picture.png(rgba: rgba, 300, 100)).get()
        let px = try #require(Picture.pixels(photo.jpeg))
        #expect((px.width, px.height) == (300, 100))
        let red = px.at(50, 50), clear = px.at(250, 50)
        #expect(red.r > 200 && red.g < 60 && clear.r > 230 && clear.g > 230 && clear.b > 230)
    }

    @Test("what is not a photo is refused with its number and the reason") func refusals() throws {
        let jpeg = Picture.jpeg(64, 64)
        #expect(PhotoMaker.photo(Array("家庭情况.docx".utf8)) == .failure(.notAnImage))
        #expect(PhotoMaker.photo([]) == .failure(.notAnImage))
        #expect(PhotoMaker.photo([0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + [UInt8](repeating: 7, count: 64)) == .failure(.unreadable))
        #expect(PhotoMaker.photo(Array(jpeg.prefix(40))) == .failure(.unreadable), "cut off before the picture starts")
        #expect(PhotoMaker.photo([UInt8](repeating: 0, count: VisitPhoto.largestUpload + 1)) == .failure(.tooLarge))
        // A small file that claims 20000 × 20000 pixels is refused before any memory is taken for it.
        var huge = jpeg
        let sof = try #require((2..<(huge.count - 9)).first { huge[$0] == 0xFF && huge[$0 + 1] == 0xC0 })
        huge[sof + 5] = 0x4E; huge[sof + 6] = 0x20; huge[sof + 7] = 0x4E; huge[sof + 8] = 0x20
        #expect(PhotoMaker.photo(huge) == .failure(.tooManyPixels))

        let many = PhotoMaker.make([jpeg, jpeg, jpeg, jpeg])
        #expect(many.map(\.count) == .failure(ProblemList([FieldProblem("photos", VisitPhoto.tooMany)])))
        guard case .failure(let list) = PhotoMaker.make([jpeg, Array("x".utf8), jpeg]) else { Issue.record("a bad second photo"); return }
        #expect(list.problems.map(\.message.zh) == ["第2张照片不是JPEG或PNG图片"])
        #expect(list.problems.map(\.message.en) == ["photo 2 is not a JPEG or PNG picture"])
    }

    @Test("any size from 1 to 3000 pixels a side fits the box and keeps its shape to the nearest pixel") func anySize() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let w = Int.random(in: 1...3000, using: &rng), h = Int.random(in: 1...3000, using: &rng)
            let photo = try PhotoMaker.photo(Picture.jpeg(w, h)).get()
            let longest = max(w, h)
            #expect(max(photo.width, photo.height) == min(longest, VisitPhoto.side), "\(w)×\(h)")
            let scale = Double(min(longest, VisitPhoto.side)) / Double(longest)
            #expect(abs(Double(photo.width) - Double(w) * scale) <= 0.5 && abs(Double(photo.height) - Double(h) * scale) <= 0.5, "\(w)×\(h) → \(photo.width)×\(photo.height)")
        }
    }
}
