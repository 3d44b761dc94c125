/// The user's quality scale: 1 (lowest rate) to 100 (highest), mapped linearly onto the
/// trained levels (`Gains.position(quality:)`); one CDF table set per quality.
public enum Quality {
    public static let range = 1...100
}
