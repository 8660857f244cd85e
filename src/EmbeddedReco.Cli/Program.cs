// reco: the EmbeddedReco trainer's command line (docs/deployment.md). `reco help` lists the commands.
return EmbeddedReco.Cli.Commands.Run(args);
