import Foundation
import NN
import Serialization

/// The loop around `Trainer.trainOneStep`: it stops at a step count, after a time, or on
/// SIGINT/SIGTERM (after the step in flight), prints a progress line every 20 steps, and
/// writes a checkpoint every `checkpointMinutes` and when it stops.
public struct TrainingLoop {
    public var steps = Int.max
    public var minutes = Double.infinity
    public var checkpointMinutes = 5.0
    /// Receives the progress lines and notices.
    public var log: (String) -> Void
    /// Writes a checkpoint (atomically: a run killed while writing must keep the last one).
    public var save: (ParameterFile) throws -> Void

    public init(log: @escaping (String) -> Void, save: @escaping (ParameterFile) throws -> Void) {
        (self.log, self.save) = (log, save)
    }

    public func run<Model>(_ trainer: Trainer<Model>, on data: TrainingSet) throws {
        let start = Date(), firstStep = trainer.step
        var lastSave = Date()
        var window: [StepReport] = []
        let interrupt = Interrupt { log("interrupted: stopping after this step") }
        while trainer.step < steps && Date().timeIntervalSince(start) < minutes * 60 && !interrupt.received {
            window.append(trainer.trainOneStep(on: data))
            if window.count == 20 || trainer.step % 20 == 0 {
                let imagesPerSecond = Double(trainer.options.batch * (trainer.step - firstStep))
                    / max(1, Date().timeIntervalSince(start))
                log(ProgressLine(step: trainer.step, window: window,
                                 rate: trainer.options.schedule.rate(atStep: trainer.step),
                                 imagesPerSecond: imagesPerSecond).text)
                window.removeAll()
            }
            if Date().timeIntervalSince(lastSave) > checkpointMinutes * 60 {
                try checkpoint(trainer)
                lastSave = Date()
            }
        }
        try checkpoint(trainer)
    }

    private func checkpoint<Model>(_ trainer: Trainer<Model>) throws {
        try save(trainer.checkpoint())
        log("step \(trainer.step): checkpoint written")
    }
}

/// `step 400  loss 1.9005  bpp 0.899  psnr 29.72 dB  lr 1.0e-04  7.31 img/s`: the window's
/// mean loss and figures (scripts/ parse these lines).
struct ProgressLine {
    let step: Int, window: [StepReport], rate: Float, imagesPerSecond: Double

    var text: String {
        let k = Double(window.count)
        var parts = ["step \(step)", String(format: "loss %.4f", window.map(\.loss).reduce(0, +) / k)]
        for (index, figure) in (window.first?.figures ?? []).enumerated() {
            let mean = window.map { $0.figures[index].value }.reduce(0, +) / k
            parts.append("\(figure.name) " + String(format: figure.format, mean))
        }
        parts.append(String(format: "lr %.1e", rate))
        parts.append(String(format: "%.2f img/s", imagesPerSecond))
        return parts.joined(separator: "  ")
    }
}
