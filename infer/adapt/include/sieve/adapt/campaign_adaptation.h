#pragma once
// Adapting a model to a new campaign with a campaign model (campaign_model.h): the procedure behind
// `sieve adapt` and Python's sieve.adapt().
//
//   1. read the labelled posts; hold a fifth back by group (accounts, documents);
//   2. learn a campaign model from the rest, its gate against a sample of the base model's training posts
//      (replay shards), and score the held-back posts with the base model and with the adapted one;
//   3. say, with a bootstrap interval over the held-back groups, whether the adaptation ranks them better;
//   4. learn the campaign model again from every labelled post and write the base model with it added.
// The base heads' weights are never touched: the campaign model sits beside them in the file.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sieve/adapt/campaign_trainer.h"
#include "sieve/datasets/reader_config.h"
#include "sieve/report/paired_bootstrap.h"

namespace sieve::adapt {

struct CampaignAdaptOptions {
  std::string base;      // model.sieve to adapt (it may hold campaigns already: they are kept)
  std::string labelled;  // the campaign's labelled posts (JSONL/CSV/TSV)
  std::string out;       // the adapted model.sieve
  std::string head;      // a binary head of the base model
  std::string name;      // the campaign's name (default: the labelled file's name without extension)
  std::string replay;    // the base model's training shards: the gate's background posts ("": no gate)
  std::size_t background_posts = 2000;
  std::size_t check_posts = 5000;  // more posts of replay, to check what the head forgets
  bool open_gate = false;  // the campaign decides every post of the head (else: as far as the check allows)
  double held_back_share = 0.2;
  std::size_t bootstrap_resamples = 1000;
  std::uint64_t seed = 1;
  datasets::ReaderConfig reader;  // its schema is replaced by the base model's
  CampaignTrainingSettings training;
};

struct CampaignAdaptResult {
  std::string campaign;
  std::size_t train_posts = 0, held_back_posts = 0, background_posts = 0, rejected_rows = 0;
  infer::PairedAucInterval held_back;  // the base model before, the adapted model after
  double gate_quantile = 0;  // the labelled posts' quantile of the gate logit from which the gate is open
  double forgetting = 0;     // the largest drop of the head's within-source ROC-AUC on the check posts
  float level_shift = 0;     // how far the campaign's logit was lowered to keep the false-positive rates
  double seconds = 0;
  std::string to_json() const;
  std::string to_text() const;  // the lines `sieve adapt` prints
};

// Runs the procedure; progress lines go to `progress` (may be empty). Throws Error(kInvalidInput) for
// posts that cannot train a campaign (one class only, no group to hold back), Error(kConfig) for a head
// the base model lacks or that is not binary, or a campaign name it already holds.
CampaignAdaptResult adapt_campaign(const CampaignAdaptOptions& options,
                                   const std::function<void(const std::string&)>& progress = {});

// The campaigns a model file holds, one line each: name, head, posts, positives, date.
std::string list_campaigns(const std::string& model);
// Writes `model` without the campaign called `name` to out. Throws Error(kInvalidInput) when it has none.
void remove_campaign(const std::string& model, const std::string& name, const std::string& out);

}  // namespace sieve::adapt
