import ArgumentParser
import Codec
import Foundation
import Images

/// `aeic info FILE.aeic [--json]`: the container header.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the header of an .aeic file.")

    @Argument(help: "An .aeic file, or - for stdin.") var input: String
    @Flag(help: "Print one JSON object.") var json = false

    /// What `info` reports, in the order the text form lists it.
    struct Header: Encodable {
        let version: Int, width: Int, height: Int, channels: Int, alpha: Bool
        let colour_space: String, quality: Int, latent_channels: Int, latent_shape: [Int]
        let model: String, latent_bytes: Int, alpha_bytes: Int, file_bytes: Int, bpp: Double
        /// Each chunk as "TAG (N bytes)": the metadata carried beside the image.
        let chunks: [String]

        init(_ file: Container, bytes: Int) {
            (version, width, height, channels) = (Int(Container.version), file.width, file.height, file.channels)
            (alpha, colour_space, quality) = (file.flags.contains(.alpha), "sRGB", file.quality)
            (latent_channels, latent_shape) = (file.latentChannels, [file.latentChannels, file.latentHeight, file.latentWidth])
            model = String(format: "%016llx", file.modelIdentity)
            (latent_bytes, alpha_bytes, file_bytes) = (file.latents.count, file.alpha.count, bytes)
            bpp = (Double(bytes * 8) / Double(file.width * file.height) * 1e4).rounded() / 1e4
            chunks = file.chunks.map { "\($0.tag.trimmingCharacters(in: .whitespaces)) (\($0.data.count) bytes)" }
        }

        /// (name, value) in declaration order, for the text form.
        var fields: [(String, String)] {
            Mirror(reflecting: self).children.map { child in
                let value = (child.value as? [Int]).map { "[\($0.map(String.init).joined(separator: ", "))]" }
                    ?? (child.value as? [String]).map { $0.joined(separator: ", ") } ?? "\(child.value)"
                return (child.label!, value)
            }
        }
    }

    func run() throws {
        let bytes = try FileIO.read(input)
        let file: Container
        do { file = try Container(decoding: bytes, maxPixels: Int.max) }
        catch { throw CLIError(input, error) }
        let header = Header(file, bytes: bytes.count)
        if json { return printJSON(header) }
        let width = header.fields.map(\.0.count).max()!
        for (k, v) in header.fields { print(k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v) }
    }
}
