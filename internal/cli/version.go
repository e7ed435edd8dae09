package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func (e *env) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version of this binary",
		Args:  cobra.NoArgs,
		// The version needs no configuration: it must work even when the
		// configuration is broken.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(e.stdout, versionLine())
			return nil
		},
	}
}

func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "ledgersync (unknown build)"
	}
	version := info.Main.Version
	var rev, when, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	line := "ledgersync " + version
	if rev != "" {
		line += fmt.Sprintf(" (commit %.12s%s, %s)", rev, dirty, when)
	}
	return line + " " + info.GoVersion
}
