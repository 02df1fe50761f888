// Labels each cell of a table in the page with its column's heading
// (data-label), so that on a narrow screen, where style.css stacks a
// table's rows into cards, every value keeps its name. Cells a template
// labelled itself keep their label.
for (const table of document.querySelectorAll("main table:not(.keep)")) {
  let head = table.tHead && table.tHead.rows[0];
  if (!head) continue;
  const names = [];
  for (const th of head.cells) {
    for (let i = 0; i < th.colSpan; i++) names.push(th.textContent.trim());
  }
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let col = 0;
      for (const cell of row.cells) {
        if (!cell.hasAttribute("data-label") && names[col]) cell.dataset.label = names[col];
        col += cell.colSpan;
      }
    }
  }
}
