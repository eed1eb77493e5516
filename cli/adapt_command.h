#pragma once
// The options of `sieve adapt` and its three modes: a campaign model beside the base model's head (the
// default, sieve/adapt/campaign_adaptation.h), fine-tuning the whole model (--fine-tune), and suggesting
// which unlabelled posts to label first (--suggest).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reader_options.h"

namespace sieve::cli {

struct AdaptOptions {
  std::string base;      // model.sieve to start from
  std::string labelled;  // the campaign's posts: labelled (adapt) or not (--suggest)
  std::string out;       // adapted model.sieve (adapt); the suggestions, "-" for stdout (--suggest)
  std::vector<std::string>
      heads;           // heads to adapt (a name the base lacks adds a head); empty: every labelled one
  std::string replay;  // the base model's training shards, to mix in (empty: no replay)
  std::size_t replay_posts = 0;  // posts replayed; 0: three per post trained on
  bool heads_only = false;       // train the adapted heads alone; the shared layers and other heads stay
  double held_back_share = 0.2;  // of the labelled posts, by group
  std::string work;              // folder of the runs; default <out>.work, removed unless keep_work
  bool keep_work = false;
  std::string report;  // the JSON report; default <out>.json
  std::uint64_t seed = 1;
  int threads = 0;          // 0: all cores
  std::size_t suggest = 0;  // --suggest N: choose N posts to label instead of adapting
  bool fine_tune = false;   // fine-tune the network (sieve-train) instead of adding a campaign model
  std::string name;         // the campaign's name; default: the labelled file's name
  std::size_t background_posts = 2000;  // replayed posts the campaign's gate learns as "not the campaign"
  bool open_gate = false;               // the campaign decides every post of its head
  ReaderOptions reader;
};

int run_fine_tune(const AdaptOptions& options);
int run_suggest(const AdaptOptions& options);

}  // namespace sieve::cli
