import ArgumentParser
import Codec
import Foundation
import Images

/// `aeic info FILE.aeic [--json]`: the container header.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the header of an .aeic file.")

    @Argument(help: "An .aeic file, or - for stdin.") var input: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let bytes = try FileIO.read(input)
        let file: Container
        do { file = try Container(decoding: bytes, maxPixels: Int.max) }
        catch { throw CLIError(input, error) }
        let fields: [(String, String)] = [
            ("version", "\(Container.version)"),
            ("width", "\(file.width)"), ("height", "\(file.height)"),
            ("channels", "\(file.channels)"), ("alpha", "\(file.flags.contains(.alpha))"),
            ("colour_space", "\"sRGB\""), ("quality", "\(file.quality)"),
            ("latent_channels", "\(file.latentChannels)"),
            ("latent_shape", "[\(file.latentChannels), \(file.latentHeight), \(file.latentWidth)]"),
            ("model", "\"\(String(format: "%016llx", file.modelIdentity))\""),
            ("latent_bytes", "\(file.latents.count)"), ("alpha_bytes", "\(file.alpha.count)"),
            ("file_bytes", "\(bytes.count)"),
            ("bpp", String(format: "%.4f", Double(bytes.count * 8) / Double(file.width * file.height))),
        ]
        if json {
            print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        } else {
            let width = fields.map(\.0.count).max()!
            for (k, v) in fields {
                print(k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v.replacingOccurrences(of: "\"", with: ""))
            }
        }
    }
}
