package behavior

// dataset is a reproducible set of synthetic recordings. The training set
// fits the model (fit_test.go); the evaluation set, drawn from other seeds —
// other simulated people, other tasks, other scripts — measures it
// (eval_test.go). The seeds were fixed before any result was seen and must
// not be changed to make a result look better.
type dataset struct {
	peopleSeed, taskSeed, sessionSeed, botSeed uint64
	people, sessions, tasks, botsPerFamily     int
}

var (
	trainSet = dataset{peopleSeed: 11, taskSeed: 1100, sessionSeed: 1200, botSeed: 1300,
		people: 60, sessions: 5, tasks: 20, botsPerFamily: 60}
	evalSet = dataset{peopleSeed: 21, taskSeed: 2100, sessionSeed: 2200, botSeed: 2300,
		people: 80, sessions: 5, tasks: 25, botsPerFamily: 80}
)

func (d dataset) taskList() []SynthTask {
	ts := make([]SynthTask, d.tasks)
	for i := range ts {
		ts[i] = SynthNewTask(d.taskSeed + uint64(i))
	}
	return ts
}

// humans returns every simulated person's sessions; session s of person p
// does task (p·sessions + s) mod tasks, so that tasks are shared between
// people and a person meets different tasks.
func (d dataset) humans() [][]Recording {
	tasks := d.taskList()
	people := SynthPeople(d.peopleSeed, d.people)
	out := make([][]Recording, d.people)
	for p, person := range people {
		for s := range d.sessions {
			k := p*d.sessions + s
			out[p] = append(out[p], SynthHuman(person, tasks[k%d.tasks], d.sessionSeed*100_000+uint64(k)))
		}
	}
	return out
}

// bots returns botsPerFamily scripts of family f, each on one of the tasks.
func (d dataset) bots(f BotFamily, fi int) []Recording {
	tasks := d.taskList()
	out := make([]Recording, d.botsPerFamily)
	for i := range out {
		out[i] = SynthBot(f, tasks[(i+fi)%d.tasks], d.botSeed*100_000+uint64(fi*10_000+i))
	}
	return out
}
