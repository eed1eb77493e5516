#pragma once
// The options of `sieve adapt` and its two modes: adapting a model to labelled posts of a new campaign, and
// suggesting which of its unlabelled posts to label first.

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
  ReaderOptions reader;
};

int run_adapt(const AdaptOptions& options);
int run_suggest(const AdaptOptions& options);

}  // namespace sieve::cli
