package picture

// Decodes reports how many full decodes the decoder started, and the most
// that ran at once.
func (d *Decoder) Decodes() (total, peak int64) { return d.started.Load(), d.peak.Load() }
