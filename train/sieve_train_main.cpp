// sieve-train: trains a classifier on shards from `sieve data prepare` and exports model.sieve.
// `sieve train ARGS` runs this program with the same arguments. Started by torchrun-style launchers (RANK,
// WORLD_SIZE, MASTER_ADDR, ... in the environment; `sieve train --nproc N` is one), it is one rank of a
// data-parallel run (docs/distributed.md).

#include <CLI/CLI.hpp>
#include <iostream>

#include "sieve/core/config_file.h"
#include "sieve/core/error.h"
#include "sieve/train/distributed.h"
#include "sieve/train/trainer.h"

int main(int argc, char** argv) {
  CLI::App app{"sieve-train: train a classifier on prepared shards and export model.sieve", "sieve-train"};
  app.footer(
      "Data-parallel: `sieve train --nproc N ...` runs N ranks on this host; on several hosts, start one "
      "sieve-train per rank with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT "
      "set, as torchrun does (docs/distributed.md).");
  std::string config_path;
  std::vector<std::string> overrides;
  sieve::train::TrainRun run;
  app.add_option("-c,--config", config_path, "run TOML file: its [model] and [train] tables");
  app.add_option("--set", overrides, "override a config key, e.g. train.lr=0.05 or model.architecture=cnn");
  app.add_option("--train", run.train_dir, "shards of the training set (sieve data prepare)")->required();
  app.add_option("--dev", run.dev_dir, "shards of the dev set: evaluation, early stopping, thresholds");
  app.add_option("--test", run.test_dir,
                 "shards of a test set: the exported model's metrics (test_metrics.json)");
  app.add_option("-o,--out", run.out_dir, "folder for checkpoints, metrics.jsonl and model.sieve")
      ->required();
  app.add_flag("--resume", run.resume, "continue from the last checkpoint in --out");
  app.add_option("--init", run.init,
                 "start from this model.sieve (fine-tuning; same tokenizer and [model] widths)");
  app.add_flag("--new-heads-only", run.train_new_heads_only,
               "with --init: train only the heads the model lacks; the others keep their outputs");
  app.add_option("--train-heads", run.train_heads_only,
                 "with --init: train only these heads (and the new ones); the shared layers and the other "
                 "heads keep their weights")
      ->delimiter(',');
  app.add_option("--stop-after", run.stop_after,
                 "end after this many steps in all, leaving a checkpoint to --resume");
  double dist_timeout = run.distributed.timeout_seconds;
  app.add_option("--dist-timeout", dist_timeout,
                 "data-parallel runs: seconds a rank waits for the others before it fails")
      ->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sieve-train: " << e.what() << "\n(run with --help for the options)\n";
    return 2;
  }
  try {
    const sieve::ConfigFile file = sieve::ConfigFile::load(config_path, overrides);
    run.model = sieve::train::read_model_config(file);
    run.train = sieve::train::read_train_config(file);
    run.config_toml = file.to_toml();
    run.distributed = sieve::train::distributed_from_environment();
    run.distributed.timeout_seconds = dist_timeout;
    const sieve::train::TrainResult result = sieve::train::train_model(run);
    if (run.distributed.rank != 0) return 0;  // rank 0 reports for all
    if (result.interrupted) {
      std::cerr << "sieve-train: stopped after " << result.steps << " steps; continue with --resume\n";
      return 0;
    }
    if (!result.best.slices.empty()) std::cerr << "\nbest dev metrics:\n" << result.best.to_text();
    if (!result.test.slices.empty()) std::cerr << "\ntest metrics:\n" << result.test.to_text();
    std::cerr << "sieve-train: " << result.steps << " steps in " << result.seconds << " s"
              << (result.stopped_early ? " (stopped early)" : "") << "; wrote " << result.model_path << "\n";
    return 0;
  } catch (const sieve::Error& e) {
    std::cerr << "sieve-train: " << e.what() << "\n";
    return 2;  // every sieve::Error is about the input, the files or the configuration
  } catch (const std::exception& e) {
    std::cerr << "sieve-train: internal error: " << e.what() << "\n";
    return 1;
  }
}
