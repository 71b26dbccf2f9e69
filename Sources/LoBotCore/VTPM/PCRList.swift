// PCR lists as people write them on a command line ("0-7,10") and as messages print them.

public enum PCRList {
    /// Parses "0-7,10,16" into ascending unique indices, each 0..<24.
    public static func parse(_ text: String) throws(LoBotError) -> [Int] {
        var out: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2,
                let low = Int(String(bounds[0])), let high = Int(String(bounds[bounds.count - 1])),
                low <= high, low >= 0, high < TPMLimits.pcrCount
            else {
                throw .invalidArgument("bad PCR list\(quoted(text)): use numbers 0-23, ranges and commas, e.g. 0-7,10")
            }
            for index in low...high where !out.contains(index) { out.append(index) }
        }
        out.sort()
        return out
    }

    /// "0-7,10" for [0,1,...,7,10].
    public static func describe(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < indices.count {
            var j = i
            while j + 1 < indices.count && indices[j + 1] == indices[j] + 1 { j += 1 }
            parts.append(i == j ? "\(indices[i])" : "\(indices[i])-\(indices[j])")
            i = j + 1
        }
        var text = ""
        for (n, part) in parts.enumerated() { text += (n == 0 ? "" : ",") + part }
        return text
    }

    /// ` "text"` when it is a short line of printable ASCII, else nothing: the error stays one line.
    static func quoted(_ text: String) -> String {
        text.utf8.count <= 64 && text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) ? " \"\(text)\"" : ""
    }
}
