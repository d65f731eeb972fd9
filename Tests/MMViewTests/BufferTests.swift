import Testing

@testable import MMView

@Suite struct BufferTests {
  @Test func drawingIsClippedToTheBufferAndTheClip() {
    var b = Buffer(width: 6, height: 3)
    b.put(4, 0, "abc")
    b.put(-1, 1, "xyz")
    b.put(0, 5, "never")
    b.put(0, 2, "123456", clip: Rect(x: 2, y: 0, width: 2, height: 3))
    #expect(b.text == "    ab\nyz    \n  34  \n")
  }

  @Test func bordersAndTitles() {
    var b = Buffer(width: 10, height: 3)
    b.border(b.area, title: "tree")
    #expect(b.text == "┌ tree ──┐\n│        │\n└────────┘\n")
    #expect(b[2, 0].style.bold && !b[0, 0].style.bold)
  }

  @Test func ansiSwitchesStylesOnlyWhereTheyChange() {
    var b = Buffer(width: 4, height: 1)
    b.put(0, 0, "ab", Style(fg: .red))
    b.put(2, 0, "c", Style(fg: .brightBlue, bold: true, reverse: true))
    #expect(b.ansi == "\u{1b}[0;31mab\u{1b}[0;1;7;94mc\u{1b}[0m \n")
  }

  @Test func rectangleArithmetic() {
    let r = Rect(x: 0, y: 0, width: 10, height: 4)
    let (left, rest) = r.splitColumns(3)
    #expect(left == Rect(x: 0, y: 0, width: 3, height: 4) && rest == Rect(x: 3, y: 0, width: 7, height: 4))
    let (bottom, top) = r.splitRows(-1)
    #expect(bottom == Rect(x: 0, y: 3, width: 10, height: 1) && top.height == 3)
    #expect(r.inset(1) == Rect(x: 1, y: 1, width: 8, height: 2))
    #expect(Rect(x: 0, y: 0, width: 1, height: 1).inset(1).isEmpty)
  }
}
