package sqlstore

import (
	"bytes"
	"hash/maphash"
	"sync"

	"github.com/openregistro/registro/registry"
)

// entityCacheGen is how many decoded bodies one generation of an
// entityCache holds; the cache keeps two (the register's bodies number in
// the low thousands).
const entityCacheGen = 2048

// entityCache remembers decoded bodies by the exact bytes of their stored
// document: a document read again unchanged (the same body listed, looked
// up by codice fiscale for each filing) is copied from the cache instead of
// decoded, a fifth of the CPU of a listing. It is keyed by content, not by
// ID and version, so another process's writes, a restored backup or a
// rewritten document can never be answered from a stale entry: other bytes
// are another key. Two generations bound it: when the current one is full
// it becomes the old one and the old one is dropped; a hit in the old one
// moves to the current one.
type entityCache struct {
	seed maphash.Seed

	mu       sync.Mutex
	cur, old map[uint64]cachedEntity
}

// cachedEntity is a decoded body and the document it was decoded from.
type cachedEntity struct {
	doc []byte
	e   registry.Entity
}

func newEntityCache() *entityCache {
	return &entityCache{seed: maphash.MakeSeed(), cur: map[uint64]cachedEntity{}}
}

// decode sets *e to the body stored as doc, from the cache when it holds
// doc, decoding it (decodeDoc) otherwise. The answer is always the
// caller's own copy (Entity.Clone).
func (c *entityCache) decode(doc []byte, e *registry.Entity) error {
	h := maphash.Bytes(c.seed, doc)
	c.mu.Lock()
	hit, ok := c.cur[h]
	if !ok {
		if hit, ok = c.old[h]; ok {
			c.put(h, hit)
		}
	}
	c.mu.Unlock()
	if ok && bytes.Equal(hit.doc, doc) {
		*e = hit.e.Clone()
		return nil
	}
	var fresh registry.Entity
	if err := decodeDoc(doc, &fresh); err != nil {
		return err
	}
	c.mu.Lock()
	c.put(h, cachedEntity{doc: bytes.Clone(doc), e: fresh.Clone()})
	c.mu.Unlock()
	*e = fresh
	return nil
}

// put stores an entry in the current generation, turning generations over
// when it is full. c.mu is held.
func (c *entityCache) put(h uint64, ce cachedEntity) {
	if len(c.cur) >= entityCacheGen {
		c.old, c.cur = c.cur, make(map[uint64]cachedEntity, entityCacheGen)
	}
	c.cur[h] = ce
}
