extension ParameterFile {
    /// The mean of checkpoints of one run, parameter by parameter (stochastic weight averaging,
    /// Izmailov et al. 2018): checkpoints taken along the last, low learning rate phase
    /// scatter around a minimum that their mean sits closer to. The result is slim (no
    /// optimiser moments, which do not average into anything meaningful) and keeps the last
    /// file's blobs (its step). Files of different architectures or tensors are refused.
    public static func average(_ files: [ParameterFile]) throws -> ParameterFile {
        guard var mean = files.last?.slim else { throw ParameterFileError.malformed("nothing to average") }
        for file in files.dropLast() {
            guard file.architecture == mean.architecture else {
                throw ParameterFileError.architectureMismatch(expected: mean.architecture, found: file.architecture)
            }
            let tensors = file.slim.tensors
            guard tensors.map(\.name) == mean.tensors.map(\.name) else {
                throw ParameterFileError.malformed("checkpoints with different tensors")
            }
            for (i, t) in tensors.enumerated() {
                guard t.shape == mean.tensors[i].shape else {
                    throw ParameterFileError.shapeMismatch(t.name, expected: mean.tensors[i].shape, found: t.shape)
                }
                mean.tensors[i].values = zip(mean.tensors[i].values, t.values).map(+)
            }
        }
        let share = 1 / Float(files.count)
        for i in mean.tensors.indices { mean.tensors[i].values = mean.tensors[i].values.map { $0 * share } }
        return mean
    }
}
