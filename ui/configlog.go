package ui

import (
	"encoding/json"
	"fmt"
	"time"

	"shouhou/appliance/store"
	"shouhou/conf"
)

// configLogBlob names the store blob that keeps the settings last in
// force and how the config changed, so the config tab can say what
// changed since when, across restarts too.
const configLogBlob = "config.log"

// configLogKeep is how many changes the log keeps.
const configLogKeep = 20

// configLog is what the blob holds.
type configLog struct {
	// Version and Settings are the config last recorded.
	Version  string         `json:"version"`
	Settings []conf.Setting `json:"settings"`
	// History is every change recorded, newest first, at most configLogKeep.
	History []configChange `json:"history"`
}

// configChange is one config put in force that differed from the one before.
type configChange struct {
	// Version is the config version put in force.
	Version string `json:"version"`
	// Since is when it was loaded.
	Since time.Time `json:"since"`
	// First marks the first config this store recorded: nothing to compare.
	First bool `json:"first,omitempty"`
	// Changes are the settings that differ from the config before.
	Changes []conf.Change `json:"changes"`
}

// recordConfig adds snap to the config log when its version differs from
// the one last recorded. Only the background goroutine calls it.
func (s *Server) recordConfig(snap *conf.Snapshot) error {
	log, err := readConfigLog(s.opts.Store)
	if err != nil {
		return err
	}
	if log.Version == snap.Version {
		return nil
	}
	ch := configChange{Version: snap.Version, Since: snap.LoadedAt, First: log.Version == "", Changes: []conf.Change{}}
	if c := conf.Changes(log.Settings, snap.Settings()); !ch.First && c != nil {
		ch.Changes = c
	}
	log.History = append([]configChange{ch}, log.History...)
	if len(log.History) > configLogKeep {
		log.History = log.History[:configLogKeep]
	}
	log.Version, log.Settings = snap.Version, snap.Settings()
	raw, err := json.Marshal(log)
	if err != nil {
		return fmt.Errorf("config log: encode: %w", err)
	}
	return s.opts.Store.PutBlobs("system", "配置变更 / config changed", map[string][]byte{configLogBlob: raw})
}

// readConfigLog reads the config log; an empty log when there is none.
func readConfigLog(db *store.DB) (configLog, error) {
	var log configLog
	raw, err := db.Blob(configLogBlob)
	if err != nil || raw == nil {
		return log, err
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		return configLog{}, fmt.Errorf("config log: decode: %w", err)
	}
	return log, nil
}
