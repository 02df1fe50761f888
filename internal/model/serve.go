package model

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/allmende/allmende/internal/classify"
	"github.com/allmende/allmende/internal/ledger"
	"github.com/allmende/allmende/internal/problem"
	"github.com/allmende/allmende/internal/store"
)

// Serving many specialised models cheaply (the promise of OpenLoRA, on a
// CPU): every version shares classify's feature extractor, so what a
// version adds is its head — a linear model's weights and representer
// coefficients, or a kNN model's sparse training vectors — an "adapter"
// loaded from its blob on first use and kept in an LRU cache bounded by
// memory (classify.Model.Bytes), not by count. A server with thousands of
// registered versions holds the ones being called.

// DefaultModelCacheBytes is the adapters' memory bound when the server is
// given none (--model-cache-bytes).
const DefaultModelCacheBytes = 256 << 20

// factory is the model service's part for versions: the ledger for
// model.trained events, the blobs that hold weights, and the cache.
type factory struct {
	ledger *ledger.Ledger
	blobs  store.Blobs
	cache  *adapterCache
	wake   func()

	mu sync.Mutex
	// swept is when sweepAdapters last looked for erasures (Unix ms).
	swept int64
	// serving caches which version answers a model, for servingTTL.
	serving map[string]servingEntry
	// afterEpoch, if set, is called by a training after each epoch's
	// progress is written (OnEpoch).
	afterEpoch func(versionID int64, p TrainProgress)
}

// OnEpoch sets a function a training calls after writing each epoch's
// progress, in the training's goroutine: a test holds a real training
// between two epochs with it to watch the page show its progress.
func (s *Service) OnEpoch(fn func(versionID int64, p TrainProgress)) {
	s.factory.mu.Lock()
	s.factory.afterEpoch = fn
	s.factory.mu.Unlock()
}

func (f *factory) epochHook() func(int64, TrainProgress) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.afterEpoch
}

// servingTTL bounds how long a server keeps answering with a version
// after another server published a newer one or deleted it (this
// server's own changes take effect at once).
const servingTTL = 2 * time.Second

type servingEntry struct {
	version int64 // 0: the model has no published version
	at      time.Time
}

func newFactory() *factory {
	return &factory{cache: newAdapterCache(DefaultModelCacheBytes), serving: map[string]servingEntry{}}
}

// UseFactory gives the service what model versions need: the ledger
// (model.trained events), the blob store for weights and the adapters'
// memory bound (0: DefaultModelCacheBytes). Call it before the service is
// used.
func (s *Service) UseFactory(l *ledger.Ledger, blobs store.Blobs, cacheBytes int64) {
	if cacheBytes <= 0 {
		cacheBytes = DefaultModelCacheBytes
	}
	s.factory.ledger, s.factory.blobs = l, blobs
	s.factory.cache = newAdapterCache(cacheBytes)
}

// WakeOnTraining sets what tells the job runner that a training was
// queued, so it starts now rather than at the runner's next poll.
func (s *Service) WakeOnTraining(wake func()) {
	s.factory.mu.Lock()
	s.factory.wake = wake
	s.factory.mu.Unlock()
}

func (f *factory) wakeRunner() {
	f.mu.Lock()
	wake := f.wake
	f.mu.Unlock()
	if wake != nil {
		wake()
	}
}

func (f *factory) forgetServing(slug string) {
	f.mu.Lock()
	delete(f.serving, slug)
	f.mu.Unlock()
}

// servingVersion is the id of the version that answers a model's calls,
// or 0 when it has none published.
func (s *Service) servingVersion(ctx context.Context, m Model) (int64, error) {
	f := s.factory
	f.mu.Lock()
	e, ok := f.serving[m.Slug]
	f.mu.Unlock()
	if ok && time.Since(e.at) < servingTTL {
		return e.version, nil
	}
	var v int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT COALESCE(published_version, 0) FROM models WHERE id = $1`, m.ID).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("serving version of %s: %w", m.Slug, err)
	}
	f.mu.Lock()
	f.serving[m.Slug] = servingEntry{version: v, at: time.Now()}
	f.mu.Unlock()
	return v, nil
}

// adapter is a loaded version: its card and its head, without the records
// erased since it was trained (kNN drops them from its answers at once;
// a linear head keeps their weights until the next training but never
// names or pays them).
type adapter struct {
	version Version
	model   *classify.Model
	bytes   int64
}

// loadAdapter returns a version's adapter, from the cache or its blob.
// Loads of one version at once share one read.
func (s *Service) loadAdapter(ctx context.Context, versionID int64) (*adapter, error) {
	return s.factory.cache.get(versionID, func() (*adapter, error) {
		v, err := s.versionByID(ctx, versionID)
		if err != nil {
			return nil, err
		}
		if v.Status != VersionReady || v.blob == "" {
			return nil, problem.New(problem.NotFound, "version %d of %s is %s", v.Number, v.Model, v.Status)
		}
		if s.factory.blobs == nil {
			return nil, errors.New("model versions: no blob store (UseFactory)")
		}
		f, err := s.factory.blobs.Open(v.blob)
		if err != nil {
			return nil, fmt.Errorf("version %d of %s: weights: %w", v.Number, v.Model, err)
		}
		defer f.Close()
		cm, err := classify.ReadModel(f)
		if err != nil {
			return nil, fmt.Errorf("version %d of %s: weights: %w", v.Number, v.Model, err)
		}
		erased, err := s.erasedTrainingRecords(ctx, v)
		if err != nil {
			return nil, err
		}
		if len(erased) > 0 {
			cm = cm.Without(erased...)
		}
		return &adapter{version: v, model: cm, bytes: cm.Bytes()}, nil
	})
}

// erasedTrainingRecords are the public ids of a version's training
// records erased since. Training reads accepted records only, so only an
// erasure after the training started can concern it: the query walks the
// erasures of the version's datanets since then (contributions_erased)
// and looks each up among the version's records, so a load costs the same
// for a version of a hundred records as for one of a hundred thousand.
func (s *Service) erasedTrainingRecords(ctx context.Context, v Version) ([]string, error) {
	if v.StartedAt == nil {
		return nil, nil
	}
	var ids []string
	if v.Project != "" {
		rows, err := s.db.Read().QueryContext(ctx, `SELECT r.item_id FROM model_version_items r JOIN items i ON i.id = r.item_id
			WHERE r.version_id = $1 AND i.erased_at IS NOT NULL`, v.ID)
		if err != nil {
			return nil, fmt.Errorf("erased training items: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, itemRecordID(id))
		}
		return ids, rows.Err()
	}
	for _, slug := range v.Datanets {
		rows, err := s.db.Read().QueryContext(ctx, `SELECT c.public_id FROM datanets d
			JOIN contributions c ON c.datanet_id = d.id AND c.status = 'erased' AND c.erased_at >= $3
			JOIN model_version_records r ON r.version_id = $1 AND r.contribution_id = c.id
			WHERE d.slug = $2`, v.ID, slug, v.StartedAt.UnixMilli())
		if err != nil {
			return nil, fmt.Errorf("erased training records: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("erased training records: %w", err)
		}
	}
	return ids, nil
}

// forgetInAdapters drops erased records from every loaded adapter at once
// (the erasure's Forget calls it): a kNN version no longer counts them
// among the neighbours, no version names or pays them.
func (s *Service) forgetInAdapters(ids []string) {
	s.factory.cache.update(func(a *adapter) *adapter {
		trained := a.model.TrainingIDs()
		slices.Sort(trained)
		var held []string
		for _, id := range ids {
			if _, ok := slices.BinarySearch(trained, id); ok {
				held = append(held, id)
			}
		}
		if len(held) == 0 {
			return a
		}
		m := a.model.Without(held...)
		return &adapter{version: a.version, model: m, bytes: m.Bytes()}
	})
}

// sweepAdapters drops from the loaded adapters the records erased since
// it last looked, whichever server erased them: an erasure on this server
// reaches them at once (Forget), one on another server sharing the
// database within the sweep's period (ForgetErased, every 30 s). Payment
// never waits for it: every split re-reads the records' status.
func (s *Service) sweepAdapters(ctx context.Context) error {
	f := s.factory
	f.mu.Lock()
	since := f.swept
	f.mu.Unlock()
	// A little overlap: erasures committed with a slightly older time
	// than the last sweep's are not missed.
	now := store.Now()
	if held, _, _ := f.cache.stats(); held == 0 {
		// Nothing loaded: an adapter drops what was erased when it loads.
		f.mu.Lock()
		f.swept = now
		f.mu.Unlock()
		return nil
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT public_id FROM contributions WHERE status = 'erased' AND erased_at > $1`, since-60_000)
	if err != nil {
		return fmt.Errorf("sweep adapters: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("sweep adapters: %w", err)
	}
	// And the projects' items erased since (work.EraseItem).
	rows, err = s.db.Read().QueryContext(ctx, `SELECT id FROM items WHERE erased_at > $1`, since-60_000)
	if err != nil {
		return fmt.Errorf("sweep adapters: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, itemRecordID(id))
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("sweep adapters: %w", err)
	}
	if len(ids) > 0 {
		s.forgetInAdapters(ids)
	}
	f.mu.Lock()
	f.swept = now
	f.mu.Unlock()
	return nil
}

// adapterCache is an LRU of loaded adapters bounded by their resident
// bytes. A version larger than the whole bound is loaded for its call and
// not kept.
type adapterCache struct {
	mu      sync.Mutex
	limit   int64
	used    int64
	order   *list.List // front: most recently used; values *cacheEntry
	entries map[int64]*list.Element
	loading map[int64]*loadCall
	loads   int // adapters read from their blobs, for tests and benchmarks
}

type cacheEntry struct {
	id int64
	a  *adapter
}

type loadCall struct {
	done chan struct{}
	a    *adapter
	err  error
}

func newAdapterCache(limit int64) *adapterCache {
	return &adapterCache{limit: limit, order: list.New(), entries: map[int64]*list.Element{}, loading: map[int64]*loadCall{}}
}

func (c *adapterCache) get(id int64, load func() (*adapter, error)) (*adapter, error) {
	c.mu.Lock()
	if el, ok := c.entries[id]; ok {
		c.order.MoveToFront(el)
		a := el.Value.(*cacheEntry).a
		c.mu.Unlock()
		return a, nil
	}
	if lc, ok := c.loading[id]; ok {
		c.mu.Unlock()
		<-lc.done
		return lc.a, lc.err
	}
	lc := &loadCall{done: make(chan struct{})}
	c.loading[id] = lc
	c.loads++
	c.mu.Unlock()

	lc.a, lc.err = load()
	c.mu.Lock()
	delete(c.loading, id)
	if lc.err == nil {
		c.put(id, lc.a)
	}
	c.mu.Unlock()
	close(lc.done)
	return lc.a, lc.err
}

// put adds an adapter and evicts the least recently used ones beyond the
// bound; c.mu is held.
func (c *adapterCache) put(id int64, a *adapter) {
	if a.bytes > c.limit {
		return
	}
	if el, ok := c.entries[id]; ok {
		c.used -= el.Value.(*cacheEntry).a.bytes
		c.order.Remove(el)
	}
	c.entries[id] = c.order.PushFront(&cacheEntry{id: id, a: a})
	c.used += a.bytes
	for c.used > c.limit {
		last := c.order.Back()
		e := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, e.id)
		c.used -= e.a.bytes
	}
}

func (c *adapterCache) remove(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[id]; ok {
		c.used -= el.Value.(*cacheEntry).a.bytes
		c.order.Remove(el)
		delete(c.entries, id)
	}
}

// update replaces each loaded adapter by what fn returns.
func (c *adapterCache) update(fn func(*adapter) *adapter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, el := range c.entries {
		e := el.Value.(*cacheEntry)
		if n := fn(e.a); n != e.a {
			c.used += n.bytes - e.a.bytes
			e.a = n
		}
	}
}

// stats reports the adapters held, their bytes and how many loads there
// were.
func (c *adapterCache) stats() (held int, used int64, loads int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.used, c.loads
}
