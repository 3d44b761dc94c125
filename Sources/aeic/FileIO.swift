import Foundation

/// Whole-file reads and atomic writes; `-` is stdin or stdout.
enum FileIO {
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw CLIError(isDirectory.boolValue ? "\(path): is a directory" : "\(path): cannot read file")
            }
            throw CLIError("\(path): no such file")
        }
        return Array(data)
    }

    /// The size of the file at `path` in bytes (0 when it cannot be read).
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
    /// a failure never leaves a partial file and an existing one is replaced only with `force`.
    static func write(_ bytes: [UInt8], to path: String, force: Bool) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        if FileManager.default.fileExists(atPath: path) && !force {
            throw CLIError("\(path): already exists (use -f to overwrite)")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array("\(folder)/.\(url.lastPathComponent).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CLIError("\(path): cannot create file (\(String(cString: strerror(errno))))") }
        let temporary = String(cString: template)
        var ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = fchmod(fd, 0o644) == 0 && fsync(fd) == 0 && ok
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIError("\(path): cannot write file (\(reason))")
        }
    }
}
