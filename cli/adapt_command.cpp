// sieve adapt base.sieve labelled.jsonl --head H -o adapted.sieve: learns a campaign model from a new
// campaign's labelled posts and stores it beside the base model's head H (sieve/adapt/campaign_adaptation.h);
// --fine-tune fine-tunes the network instead (adapt_fine_tune.cpp); --suggest N picks the posts to label
// first (suggest_command.cpp). sieve campaigns lists or removes the campaigns of a model.

#include "adapt_command.h"

#include <iostream>

#include "command.h"
#include "file_io.h"
#include "sieve/adapt/campaign_adaptation.h"
#include "sieve/core/error.h"
#include "validators.h"

namespace sieve::cli {
namespace {

int run_campaign_adaptation(const AdaptOptions& options) {
  if (options.heads.size() != 1) {
    throw Error(
        ErrorKind::kConfig, "--head",
        "a campaign model adapts one head: name it with --head (or fine-tune several with --fine-tune)");
  }
  adapt::CampaignAdaptOptions campaign;
  campaign.base = options.base;
  campaign.labelled = options.labelled;
  campaign.out = options.out;
  campaign.head = options.heads.front();
  campaign.name = options.name;
  campaign.replay = options.replay;
  campaign.background_posts = options.background_posts;
  campaign.open_gate = options.open_gate;
  campaign.held_back_share = options.held_back_share;
  campaign.seed = options.seed;
  campaign.reader = resolve(options.reader);
  const adapt::CampaignAdaptResult result = adapt::adapt_campaign(
      campaign, [](const std::string& line) { std::cerr << "sieve: adapt: " << line << "\n"; });
  const std::string report_path = options.report.empty() ? options.out + ".json" : options.report;
  OutputSink report(report_path);
  report.text() = result.to_json() + "\n";
  report.close();
  std::cout << result.to_text();
  std::cerr << "sieve: adapt: added campaign '" << result.campaign << "' to '" << campaign.head << "'; wrote "
            << options.out << " and " << report_path << " in " << static_cast<int>(result.seconds) << " s\n";
  return result.rejected_rows > 0 ? 2 : 0;
}

struct CampaignsOptions {
  std::string model, remove, out;
};

int run_campaigns(const CampaignsOptions& options) {
  if (options.remove.empty()) {
    std::cout << adapt::list_campaigns(options.model);
    return 0;
  }
  const std::string out = options.out.empty() ? options.model : options.out;
  adapt::remove_campaign(options.model, options.remove, out);
  std::cerr << "sieve: campaigns: removed '" << options.remove << "'; wrote " << out << "\n";
  return 0;
}

}  // namespace

std::vector<Command> add_adapt_command(CLI::App& app) {
  auto options = std::make_shared<AdaptOptions>();
  CLI::App* command = app.add_subcommand(
      "adapt",
      "Learn a new campaign from its labelled posts: a campaign model beside the base model's head (or, with "
      "--suggest N, choose which posts to label)");
  command->add_option("base", options->base, "model.sieve to start from")->required();
  command
      ->add_option("posts", options->labelled, "the campaign's posts (JSONL/CSV/TSV): labelled, or to label")
      ->required();
  command->add_option("-o,--out", options->out,
                      "the adapted model.sieve (with --suggest: the JSONL, default stdout)");
  command->add_option("--head", options->heads,
                      "the head the campaign belongs to (with --fine-tune: repeatable, and a name the base "
                      "lacks adds a binary head; default every head the posts label)");
  command->add_option("--name", options->name, "the campaign's name (default: the posts' file name)");
  command->add_option("--replay", options->replay,
                      "the base model's training shards: the campaign's gate learns their posts as other "
                      "traffic, which keeps the base head's scores (with --fine-tune: mixed into training)");
  command->add_option("--background-posts", options->background_posts,
                      "posts of --replay the gate learns from (default 2000)");
  command->add_flag(
      "--open-gate", options->open_gate,
      "let the campaign model score every post of the head, not only posts of the campaign's "
      "kind (it may then change the head's ranking of other sources; the report says how much)");
  command->add_flag("--fine-tune", options->fine_tune,
                    "fine-tune the network with sieve-train instead of adding a campaign model");
  command->add_option("--replay-posts", options->replay_posts,
                      "--fine-tune: posts replayed (default: three per labelled post trained on)");
  command->add_flag("--heads-only", options->heads_only,
                    "--fine-tune: train the adapted heads alone: the other heads cannot change, the adapted "
                    "ones learn the campaign faster but may forget more of the sources they knew");
  command->add_option("--held-back", options->held_back_share, "share of the posts held back by group")
      ->check(CLI::Range(0.05, 0.5));
  command->add_option("--work", options->work,
                      "--fine-tune: folder of the training runs (default: <out>.work)");
  command->add_flag("--keep-work", options->keep_work, "--fine-tune: keep the work folder");
  command->add_option("--report", options->report, "the JSON report (default: <out>.json)");
  command->add_option("--seed", options->seed, "held-back groups, replayed posts and training order");
  command
      ->add_option("--threads", options->threads, "--fine-tune and --suggest: threads (default: all cores)")
      ->check(kNotNegative);
  command
      ->add_option("--suggest", options->suggest,
                   "instead of adapting, write the N posts to label first (least sure, one per template, "
                   "spread over accounts)")
      ->check(kAtLeastOne);
  add_reader_options(*command, options->reader);

  auto campaigns = std::make_shared<CampaignsOptions>();
  CLI::App* list = app.add_subcommand("campaigns", "List the campaigns of an adapted model, or remove one");
  list->add_option("model", campaigns->model, "model.sieve")->required();
  list->add_option("--remove", campaigns->remove, "the campaign to remove");
  list->add_option("-o,--out", campaigns->out, "with --remove: where to write the model (default: in place)");
  return {{command,
           [options] {
             if (options->suggest > 0) return run_suggest(*options);
             if (options->out.empty())
               throw Error(ErrorKind::kConfig, "--out", "the adapted model's path is required");
             return options->fine_tune ? run_fine_tune(*options) : run_campaign_adaptation(*options);
           }},
          {list, [campaigns] { return run_campaigns(*campaigns); }}};
}

}  // namespace sieve::cli
