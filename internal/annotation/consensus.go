package annotation

import (
	"cmp"
	"slices"
)

// ConsensusIoU is the overlap at which two workers' boxes are taken to mark
// the same object, the threshold of PASCAL VOC and COCO's AP50.
const ConsensusIoU = 0.5

// WorkerBoxes is one worker's boxes for one item.
type WorkerBoxes struct {
	Worker string
	Boxes  []Box
}

// ConsensusBox is an object that enough workers agree on: the mean of their
// boxes, labelled with their most frequent label.
type ConsensusBox struct {
	Box
	Workers []string // who drew it, sorted
}

// Consensus is what several workers' shapes for one item agree on: boxes
// from [BoxConsensus], polygons from [PolygonConsensus].
type Consensus struct {
	Boxes    []ConsensusBox
	Polygons []ConsensusPolygon
	// Agreement maps each worker to the fraction of their shapes that
	// ended up in a consensus shape. A worker who drew nothing scores 1 if
	// the consensus is empty too, else 0: they missed every object.
	Agreement map[string]float64
}

// BoxConsensus merges several workers' boxes for one item.
//
// Boxes are clustered across workers by greedy complete linkage: pairs of
// boxes from different workers are taken in decreasing order of IoU, and
// two clusters merge only if every pair of boxes between them overlaps by
// at least [ConsensusIoU] and no worker would appear twice. A cluster drawn
// by at least ⌈n/2⌉ of the n workers becomes a consensus box, with the mean
// coordinates and the majority label (ties go to the label that sorts
// first). Labels do not affect clustering: a worker who boxed the right
// object with the wrong label still agrees on where it is.
//
// Entries with the same Worker are merged. The result does not depend on
// the order of answers or of boxes within an answer, except among boxes
// with exactly equal IoU.
func BoxConsensus(answers []WorkerBoxes) Consensus {
	workers, shapes := byWorker(answers, func(a WorkerBoxes) (string, []Box) { return a.Worker, a.Boxes }, compareBoxes)
	type node struct {
		worker int
		box    Box
	}
	var nodes []node
	for w, boxes := range shapes {
		for _, b := range boxes {
			nodes = append(nodes, node{worker: w, box: b})
		}
	}
	drawer := make([]int, len(nodes))
	var pairs []scoredPair
	for i := range nodes {
		drawer[i] = nodes[i].worker
		for j := i + 1; j < len(nodes); j++ {
			if nodes[i].worker == nodes[j].worker {
				continue
			}
			if v := IoU(nodes[i].box, nodes[j].box); v >= ConsensusIoU {
				pairs = append(pairs, scoredPair{i, j, v})
			}
		}
	}
	members := link(drawer, pairs)

	need := (len(workers) + 1) / 2
	matched := make([]int, len(workers))
	total := make([]int, len(workers))
	for _, n := range nodes {
		total[n.worker]++
	}
	var c Consensus
	for _, m := range members {
		if len(m) == 0 || len(m) < need {
			continue
		}
		cb := ConsensusBox{}
		votes := map[string]int{}
		for _, k := range m {
			n := nodes[k]
			matched[n.worker]++
			cb.X += n.box.X
			cb.Y += n.box.Y
			cb.W += n.box.W
			cb.H += n.box.H
			votes[n.box.Label]++
			cb.Workers = append(cb.Workers, workers[n.worker])
		}
		k := float64(len(m))
		cb.X, cb.Y, cb.W, cb.H = cb.X/k, cb.Y/k, cb.W/k, cb.H/k
		for _, l := range sortedKeys(votes) {
			if votes[l] > votes[cb.Label] {
				cb.Label = l
			}
		}
		slices.Sort(cb.Workers)
		c.Boxes = append(c.Boxes, cb)
	}
	slices.SortFunc(c.Boxes, func(p, q ConsensusBox) int { return compareBoxes(p.Box, q.Box) })
	c.Agreement = agreement(workers, matched, total, len(c.Boxes) > 0)
	return c
}

// agreement is [Consensus.Agreement]: matched[w] of the total[w] shapes
// worker w drew are in a consensus shape, and found says whether there is
// any.
func agreement(workers []string, matched, total []int, found bool) map[string]float64 {
	a := make(map[string]float64, len(workers))
	for w, name := range workers {
		switch {
		case total[w] > 0:
			a[name] = float64(matched[w]) / float64(total[w])
		case !found:
			a[name] = 1
		default:
			a[name] = 0
		}
	}
	return a
}

// byWorker merges each worker's entries, and orders the workers by name
// and each one's shapes by cmp, so that a consensus does not depend on the
// order the answers came in.
func byWorker[A, T any](answers []A, entry func(A) (string, []T), cmp func(a, b T) int) (workers []string, shapes [][]T) {
	merged := map[string][]T{}
	for _, a := range answers {
		w, list := entry(a)
		merged[w] = append(merged[w], list...)
	}
	workers = sortedKeys(merged)
	shapes = make([][]T, len(workers))
	for i, w := range workers {
		shapes[i] = slices.Clone(merged[w])
		slices.SortFunc(shapes[i], cmp)
	}
	return workers, shapes
}

func compareBoxes(p, q Box) int {
	return cmp.Or(cmp.Compare(p.X, q.X), cmp.Compare(p.Y, q.Y), cmp.Compare(p.W, q.W),
		cmp.Compare(p.H, q.H), cmp.Compare(p.Label, q.Label))
}

// scoredPair is two shapes, i < j, drawn by different workers, and their
// IoU.
type scoredPair struct {
	i, j int
	iou  float64
}

// link clusters shapes by greedy complete linkage. worker[k] is who drew
// shape k, and pairs lists every pair of shapes by different workers that
// overlap by at least [ConsensusIoU]. Pairs are taken in decreasing order
// of IoU, ties in order of index, and two clusters merge only if every
// pair of shapes between them is in pairs and no worker would appear
// twice. It returns the clusters as sorted lists of shape indices, nil for
// those merged into another.
func link(worker []int, pairs []scoredPair) [][]int {
	slices.SortFunc(pairs, func(p, q scoredPair) int {
		return cmp.Or(cmp.Compare(q.iou, p.iou), cmp.Compare(p.i, q.i), cmp.Compare(p.j, q.j))
	})
	near := make(map[[2]int]bool, len(pairs))
	for _, p := range pairs {
		near[[2]int{p.i, p.j}] = true
	}
	cluster := make([]int, len(worker))
	members := make([][]int, len(worker))
	for k := range worker {
		cluster[k] = k
		members[k] = []int{k}
	}
	mergeable := func(a, b []int) bool {
		for _, i := range a {
			for _, j := range b {
				if worker[i] == worker[j] || !near[[2]int{min(i, j), max(i, j)}] {
					return false
				}
			}
		}
		return true
	}
	for _, p := range pairs {
		ci, cj := cluster[p.i], cluster[p.j]
		if ci == cj || !mergeable(members[ci], members[cj]) {
			continue
		}
		for _, k := range members[cj] {
			cluster[k] = ci
		}
		members[ci] = append(members[ci], members[cj]...)
		members[cj] = nil
	}
	for _, m := range members {
		slices.Sort(m)
	}
	return members
}
