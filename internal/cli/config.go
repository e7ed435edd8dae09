package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (e *env) configCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration, secrets masked, and where each value came from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SETTING\tVALUE\tFROM")
			for _, s := range e.cfg.Describe() {
				fmt.Fprintf(w, "%s\t%s\t%s\n", s.Name, s.Value, s.Source)
			}
			return w.Flush()
		},
	}
}
