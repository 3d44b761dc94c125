import XCTest
import NN
@testable import Training
import Serialization

/// A 1×1 convolution trained to halve its input: the smallest `Trainable`.
final class Halver: Trainable {
    let conv: Conv2D
    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        conv = Conv2D("halver", in: 3, out: 3, kernel: 1, rng: &rng)
    }
    var parameters: [Parameter] { conv.parameters }
    var architectureDescription: String { "{\"halver\":1}" }
    func configure(_ compute: Compute) { conv.configure(compute) }

    func trainStep(_ x: Tensor, rng: inout SplitMix64) -> StepReport {
        var target = x
        for k in 0..<target.count { target.data[k] = 0.5 * x.data[k] + 0.01 * (rng.uniform() - 0.5) }
        var d = conv.forward(x) - target
        let mse = d.data.reduce(0.0) { $0 + Double($1 * $1) } / Double(d.count)
        for k in 0..<d.count { d.data[k] *= 2 / Float(d.count) }
        _ = conv.backward(d)
        return StepReport(loss: mse, figures: [.init("mse", mse, format: "%.5f")])
    }
}

final class TrainerTests: XCTestCase {
    func photos() -> TrainingSet {
        var set = TrainingSet()
        set.append(.init(width: 20, height: 18, samples: (0..<3 * 20 * 18).map { Float($0 % 31) / 31 }))
        return set
    }

    func options() -> Trainer<Halver>.Options {
        var options = Trainer<Halver>.Options()
        (options.batch, options.crop, options.schedule) = (2, 16, LearningRateSchedule(base: 1e-2))
        return options
    }

    /// A run stopped at step 3 and resumed from its checkpoint ends where an uninterrupted
    /// run ends: same parameters, bit for bit (the batches and the step's noise repeat).
    func testResumeRepeatsTheUninterruptedRun() throws {
        let data = photos()
        let straight = Trainer(model: Halver(seed: 4), options: options())
        for _ in 0..<6 { _ = straight.trainOneStep(on: data) }

        let first = Trainer(model: Halver(seed: 4), options: options())
        for _ in 0..<3 { _ = first.trainOneStep(on: data) }
        let file = try ParameterFile(decoding: first.checkpoint().encoded())
        let resumed = Trainer(model: Halver(seed: 99), options: options())
        try file.load(into: resumed.model.parameters)
        try resumed.restoreState(from: file)
        XCTAssertEqual(resumed.step, 3)
        for _ in 0..<3 { _ = resumed.trainOneStep(on: data) }
        XCTAssertEqual(resumed.model.conv.weight.value, straight.model.conv.weight.value)
        XCTAssertEqual(resumed.model.conv.bias.value, straight.model.conv.bias.value)
    }

    /// Frozen parameters keep their values while the others train.
    func testFrozenParametersHoldStill() {
        let data = photos()
        var frozen = options()
        frozen.frozen = ["halver.weight"]
        let trainer = Trainer(model: Halver(seed: 4), options: frozen)
        XCTAssertEqual(trainer.frozen.map(\.name), ["halver.weight"])
        let (weight, bias) = (trainer.model.conv.weight.value, trainer.model.conv.bias.value)
        for _ in 0..<3 { _ = trainer.trainOneStep(on: data) }
        XCTAssertEqual(trainer.model.conv.weight.value, weight)
        XCTAssertNotEqual(trainer.model.conv.bias.value, bias)
    }

    /// A slim checkpoint (Float16 parameters, the step, no moments) resumes at its step with
    /// fresh moments and its parameters to Float16's rounding; a checkpoint missing only some
    /// moments is still refused.
    func testSlimCheckpointResumes() throws {
        let data = photos()
        let trainer = Trainer(model: Halver(seed: 4), options: options())
        for _ in 0..<3 { _ = trainer.trainOneStep(on: data) }
        let full = trainer.checkpoint()
        let slim = try ParameterFile(decoding: full.slim.encoded(precision: .float16))
        XCTAssertFalse(slim.tensors.contains { $0.name.hasPrefix("adam.") })
        let resumed = Trainer(model: Halver(seed: 99), options: options())
        try slim.load(into: resumed.model.parameters)
        try resumed.restoreState(from: slim)
        XCTAssertEqual(resumed.step, 3)
        for (a, b) in zip(resumed.model.conv.weight.value, trainer.model.conv.weight.value) { XCTAssertEqual(a, b, accuracy: 1e-3 * max(1, abs(b))) }
        _ = resumed.trainOneStep(on: data)
        var partial = full
        partial.tensors.removeAll { $0.name == "adam.v.halver.bias" }
        XCTAssertThrowsError(try Trainer(model: Halver(seed: 5), options: options()).restoreState(from: partial))
    }

    /// Averaged checkpoints hold each parameter's mean and the last one's step, without
    /// moments; checkpoints of another architecture or shape are refused.
    func testAveragedCheckpoints() throws {
        let data = photos()
        let trainer = Trainer(model: Halver(seed: 4), options: options())
        var files: [ParameterFile] = []
        for _ in 0..<3 { _ = trainer.trainOneStep(on: data); files.append(trainer.checkpoint()) }
        let mean = try ParameterFile.average(files)
        XCTAssertFalse(mean.tensors.contains { $0.name.hasPrefix("adam.") })
        XCTAssertEqual(mean.blobs, files[2].blobs)
        for t in mean.tensors {
            let values = files.map { $0.tensor(t.name)!.values }
            for k in t.values.indices { XCTAssertEqual(t.values[k], (values[0][k] + values[1][k] + values[2][k]) / 3, accuracy: 1e-6) }
        }
        var other = files[0]
        other.architecture = "{}"
        XCTAssertThrowsError(try ParameterFile.average([files[1], other]))
        other = files[0]
        other.tensors[0].shape = [other.tensors[0].values.count]
        XCTAssertThrowsError(try ParameterFile.average([files[1], other]))
        XCTAssertThrowsError(try ParameterFile.average([]))
    }

    /// The loop stops at --steps, saves a checkpoint at the end and prints a progress line
    /// with the model's own figures every 20 steps.
    func testLoopStopsSavesAndReports() throws {
        let trainer = Trainer(model: Halver(seed: 1), options: options())
        var lines: [String] = [], saved: [ParameterFile] = []
        var loop = TrainingLoop(log: { lines.append($0) }, save: { saved.append($0) })
        loop.steps = 40
        try loop.run(trainer, on: photos())
        XCTAssertEqual(trainer.step, 40)
        XCTAssertEqual(saved.count, 1)
        let progress = lines.filter { $0.hasPrefix("step ") && $0.contains("img/s") }
        XCTAssertEqual(progress.count, 2)
        XCTAssertTrue(progress[1].hasPrefix("step 40  loss "), progress[1])
        XCTAssertTrue(progress[1].contains("  mse 0.0"), progress[1])
        XCTAssertTrue(progress[1].contains("  lr 1.0e-02  "), progress[1])
    }

    func testLearningRateScheduleDropsAtItsSteps() {
        let schedule = LearningRateSchedule(base: 1e-3, drops: [.init(step: 20, rate: 1e-5), .init(step: 10, rate: 1e-4)])
        XCTAssertEqual([0, 9, 10, 19, 20, 1000].map(schedule.rate(atStep:)), [1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5])
    }

    /// A batch is made of crops of the photos, flipped or not: every value comes from the photo.
    func testBatchesAreCropsOfThePhotos() {
        var rng = SplitMix64(seed: 3)
        let data = photos()
        let batch = data.batch(size: 4, crop: 16, rng: &rng)
        let values = Set(data.photos[0].samples)
        XCTAssertEqual(batch.shape, [4, 3, 16, 16])
        XCTAssertTrue(batch.data.allSatisfy(values.contains))
    }
}
