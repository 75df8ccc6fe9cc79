import CDNTopCore

/// One character cell of the screen model. A wide character occupies its cell and marks the
/// next one as its `continuation`, which the backend skips. `backdrop` is the role of the area
/// the cell sits on (the footer bar, an overlay): text drawn there in another role keeps the
/// area's background instead of punching a hole in the bar.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var role: Role
    public var backdrop: Role?
    public var continuation: Bool

    public init(_ character: Character = " ", role: Role = .text, backdrop: Role? = nil, continuation: Bool = false) {
        self.character = character
        self.role = role
        self.backdrop = backdrop
        self.continuation = continuation
    }

    public static let blank = Cell()
}

/// A rectangle of the screen, in cells.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rows `from..<from + count` of this rectangle (clipped).
    public func rows(_ from: Int, _ count: Int) -> Rect {
        let top = min(height, max(0, from))
        return Rect(x: x, y: y + top, width: width, height: min(count, height - top))
    }

    public func inset(dx: Int, dy: Int = 0) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }
}

/// The in-memory screen every panel draws into: a grid of cells with roles. Only the terminal
/// backend turns it into curses calls, so the whole UI can be tested as text.
public struct Screen: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Writes `text` at (x, y) in `role`, clipped to `clip` (the whole screen by default),
    /// and returns the column after the last character written. Text cut at the right edge
    /// ends in "…", so a reader knows there was more. Escape sequences and control characters
    /// are removed first (`Sanitizer`): whatever a panel draws, the terminal only gets text.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role = .text, clip: Rect? = nil) -> Int {
        let bounds = clip ?? Rect(x: 0, y: 0, width: width, height: height)
        guard y >= max(0, bounds.y), y < min(height, bounds.maxY) else { return x }
        let right = min(width, bounds.maxX)
        var column = x
        for character in Sanitizer.clean(text) {
            let columns = DisplayWidth.of(character)
            guard columns > 0 else { continue }
            if column + columns > right {
                markCut(y: y, right: right, left: max(x, bounds.x, 0), role: role)
                break
            }
            if column >= max(0, bounds.x) {
                let index = y * width + column
                splitWideCharacter(at: index)
                if columns == 2 { splitWideCharacter(at: index + 1) }
                cells[index] = Cell(character, role: role, backdrop: cells[index].backdrop)
                if columns == 2 {
                    cells[index + 1] = Cell(" ", role: role, backdrop: cells[index + 1].backdrop, continuation: true)
                }
            }
            column += columns
        }
        return column
    }

    /// Ends a cut line in "…" on its last visible column (written by this call, so a cut never
    /// marks another panel's cell).
    private mutating func markCut(y: Int, right: Int, left: Int, role: Role) {
        let last = right - 1
        guard last >= left, last < width else { return }
        let index = y * width + last
        splitWideCharacter(at: index)
        cells[index] = Cell("…", role: role, backdrop: cells[index].backdrop)
    }

    /// Before a cell is overwritten: if it is half of a wide character, the other half becomes
    /// a blank, so no orphaned half shifts the rest of the row in the terminal.
    private mutating func splitWideCharacter(at index: Int) {
        let column = index % width
        if cells[index].continuation, column > 0 {
            cells[index - 1] = Cell(" ", role: cells[index - 1].role, backdrop: cells[index - 1].backdrop)
        }
        if column + 1 < width, cells[index + 1].continuation {
            cells[index + 1] = Cell(" ", role: cells[index + 1].role, backdrop: cells[index + 1].backdrop)
        }
    }

    /// The rows and columns of `rect` that lie on the screen (empty when none do).
    private func clipped(_ rect: Rect) -> (rows: Range<Int>, columns: Range<Int>) {
        let top = max(0, rect.y), left = max(0, rect.x)
        return (top..<max(top, min(height, rect.maxY)), left..<max(left, min(width, rect.maxX)))
    }

    /// Blanks `rect` as an area of `role` (a bar, an overlay): text drawn on it later keeps
    /// the area's background.
    public mutating func fill(_ rect: Rect, role: Role, character: Character = " ") {
        let (rows, columns) = clipped(rect)
        for y in rows {
            for x in columns {
                splitWideCharacter(at: y * width + x)
                cells[y * width + x] = Cell(character, role: role, backdrop: role)
            }
        }
    }

    /// Makes `rect` an area of `role` keeping its characters (the selected row): plain text
    /// there takes the role, and coloured text (a status, a sparkline) keeps its colour on the
    /// area's background.
    public mutating func restyle(_ rect: Rect, role: Role) {
        let (rows, columns) = clipped(rect)
        for y in rows {
            for x in columns {
                let index = y * width + x
                if cells[index].role == .text || cells[index].role == .muted { cells[index].role = role }
                cells[index].backdrop = role
            }
        }
    }

    /// The screen as plain text, one line per row, trailing spaces kept: what a snapshot
    /// test compares and what `tmux capture-pane -p` shows.
    public var text: String {
        (0..<height).map { row in
            String((0..<width).compactMap { column in
                let cell = self[column, row]
                return cell.continuation ? nil : cell.character
            })
        }.joined(separator: "\n")
    }

    /// The rows whose cells differ from `previous`, so the backend redraws only what changed.
    public func changedRows(since previous: Screen?) -> [Int] {
        guard let previous, previous.width == width, previous.height == height else { return Array(0..<height) }
        return (0..<height).filter { row in
            let range = row * width..<(row + 1) * width
            return cells[range] != previous.cells[range]
        }
    }
}
