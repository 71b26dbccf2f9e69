// Command-line parsing for the agent (Embedded Swift has no ArgumentParser): GNU-style long
// options `--name value` and `--name=value`, flags, `--` to end options, positionals; anything
// not declared by the command is a usage error naming it.
import LoBotCore

/// One command of the agent: its name, help, what it accepts, and the function that runs it.
/// The table of these in Entry.swift is the only list of commands: help and dispatch read it.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    /// The full help text, printed by `lobot NAME --help` and `lobot help NAME`.
    let help: String
    /// Options that take a value.
    var options: [String] = []
    var flags: [String] = []
    var positionals: ClosedRange<Int> = 0...0
    /// Options this command once had under another name: each is refused with the new name.
    var renamed: [(old: String, new: String)] = []
    /// Runs the command on its parsed arguments.
    let run: @Sendable (ParsedArguments) throws(AgentError) -> Void
}

struct ParsedArguments {
    let spec: CommandSpec
    private(set) var values: [(key: String, value: String)] = []
    private(set) var flags: [String] = []
    private(set) var positionals: [String] = []

    init(_ arguments: [String], spec: CommandSpec) throws(AgentError) {
        self.spec = spec
        var i = 0
        var optionsEnded = false
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            guard argument.hasPrefix("--") else { throw usage("unknown option \(argument)") }
            var name = String(argument.dropFirst(2))
            var inlineValue: String? = nil
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if spec.options.contains(name) {
                if let inlineValue {
                    values.append((name, inlineValue))
                } else {
                    guard i < arguments.count else { throw usage("option --\(name) needs a value") }
                    values.append((name, arguments[i]))
                    i += 1
                }
            } else if spec.flags.contains(name) {
                guard inlineValue == nil else { throw usage("option --\(name) takes no value") }
                flags.append(name)
            } else if let renamed = spec.renamed.first(where: { $0.old == name }) {
                throw usage("--\(name) is now --\(renamed.new)")
            } else {
                throw usage("unknown option --\(name)")
            }
        }
        guard spec.positionals.contains(positionals.count) else {
            if positionals.count < spec.positionals.lowerBound { throw usage("missing argument") }
            throw usage("unexpected argument \(positionals[spec.positionals.upperBound])")
        }
    }

    func usage(_ text: String) -> AgentError {
        .usage("\(spec.name): \(text) (see lobot \(spec.name) --help)")
    }

    /// The last value given for `--name`, if any.
    func value(_ name: String) -> String? {
        var found: String? = nil
        for (key, value) in values where key == name { found = value }
        return found
    }

    func required(_ name: String) throws(AgentError) -> String {
        guard let value = value(name) else { throw usage("option --\(name) is required") }
        return value
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// A decimal integer option within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(AgentError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw usage("--\(name) must be a number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return number
    }

    /// `--pcr N` for commands that act on one PCR.
    func pcr() throws(AgentError) -> Int {
        guard let index = try integer("pcr", in: 0...(TPMLimits.pcrCount - 1)) else {
            throw usage("option --pcr is required")
        }
        return index
    }

    /// `--pcrs LIST` as a TPM_PCR_SELECTION.
    func selection(_ name: String = "pcrs", default fallback: String? = nil) throws(AgentError) -> PCRSelection {
        guard let text = value(name) ?? fallback else { throw usage("option --\(name) is required") }
        do throws(LoBotError) {
            return try PCRSelection(try PCRList.parse(text))
        } catch {
            throw usage(error.message)
        }
    }

    /// A hex option of exactly `length` bytes.
    func hexBytes(_ name: String, length: Int) throws(AgentError) -> [UInt8] {
        let text = try required(name)
        guard let bytes = Hex.bytes(text), bytes.count == length else {
            throw usage("--\(name) must be \(length * 2) hex digits")
        }
        return bytes
    }
}
