// Each conformance page reports its state to the test server with a
// synchronous request, so that the report has arrived before the input
// event that caused it returns to the replay.
function report(page, state) {
  const x = new XMLHttpRequest();
  x.open('POST', '/report/' + page, false);
  x.setRequestHeader('Content-Type', 'application/json');
  x.send(JSON.stringify(state));
}
