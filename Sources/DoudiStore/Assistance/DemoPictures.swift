import DoudiDomain
import DoudiPhotos

/// Pictures for the demo's visits, painted here (a house under the sky, in a different light each), so that the
/// demo carries no one's real photo and no file of its own: made into photos exactly as an upload is.
enum DemoPictures {
    static func visit(_ n: Int) -> [VisitPhoto] {
        let width = 960, height = 720
        var px = [UInt8](repeating: 0, count: width * height * 3)
        let skies: [(Int, Int, Int)] = [(120, 170, 230), (235, 170, 120), (150, 160, 175)]
        let sky = skies[n % skies.count]
        for y in 0..<height {
            for x in 0..<width {
                var c: (Int, Int, Int)
                let ground = y > height * 2 / 3
                c = ground ? (90 + y % 20, 130, 60) : (sky.0 + y / 12, sky.1 + y / 14, sky.2)
                let wall = x > 300 && x < 660 && y > 330 && y <= height * 2 / 3 + 20
                let roofTop = 180, roofBase = 330, halfAtBase = 220
                let roof = y >= roofTop && y <= roofBase && abs(x - 480) <= (y - roofTop) * halfAtBase / (roofBase - roofTop)
                if roof { c = (160, 50, 40) }
                if wall { c = (225, 210, 180) }
                if wall && x > 440 && x < 520 && y > 420 { c = (90, 60, 40) }  // door
                if wall && ((x > 340 && x < 410) || (x > 550 && x < 620)) && y > 380 && y < 440 { c = (70, 110, 150) }  // windows
                let i = (y * width + x) * 3
                px[i] = UInt8(min(255, c.0)); px[i + 1] = UInt8(min(255, c.1)); px[i + 2] = UInt8(min(255, c.2))
            }
        }
        guard let jpeg = PhotoMaker.jpeg(rgb: px, width: width, height: height), case .success(let photo) = PhotoMaker.photo(jpeg) else { return [] }
        return [photo]
    }
}
