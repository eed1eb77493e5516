#pragma once
// The campaign simulator: a synthetic, labelled stream of posts (organic chatter and coordinated
// campaigns against fictional politicians, in English, French and Chinese) for the demo and the tests.

#include <cstdint>
#include <string>
#include <vector>

#include "sieve/datasets/record.h"

namespace sieve::datasets {

// What to simulate. The same options give byte-identical records on every platform and compiler.
struct SimulatorOptions {
  std::uint64_t posts = 20000;  // records to produce
  std::uint64_t seed = 1;       // fixes accounts, burst windows and every word choice
  double campaign_share = 0.3;  // expected share of posts written by campaign accounts (coordinated = 1)
  double label_dropout = 0.15;  // probability that each label of a record is left missing (kMissingLabel)
  // Campaigns (CampaignSimulator::campaign_names()) whose posts carry the campaign's name as their source
  // instead of a platform, so that `sieve data split --holdout-source` can keep a whole campaign out of
  // train and dev, and the evaluation's source slices show it. Empty (the default): every source is a
  // platform and none gives the label away. Nothing else about the posts changes.
  std::vector<std::string> campaigns_as_source;

  // Throws Error(kConfig, "simulate.<field>", ...) for a value out of range or an unknown campaign.
  void validate() const;
};

// What the simulator knows about the record it produced last. Tests and analyses use it; it is never
// written into the record, so that no field but the labels says which posts are coordinated.
struct SimulatedTruth {
  int campaign = -1;                // index into CampaignSimulator::campaign_names(); -1: organic post
  int template_index = -1;          // the campaign template the post was written from; -1: organic
  bool obfuscated = false;          // look-alike, zero-width or full-width characters were inserted
  std::vector<std::int8_t> labels;  // every label before dropout, in schema order
};

// Produces options.posts records one at a time with constant memory: record n depends only on the
// options and n, so a stream of ten million posts needs no more memory than one of ten.
class CampaignSimulator {
 public:
  // Validates the options.
  explicit CampaignSimulator(const SimulatorOptions& options);

  // Fills record with the next post; false once options.posts records have been produced.
  bool next(Record& record);

  // coordinated, machine, nonnative, abusive (LabelSchema::defaults()).
  const LabelSchema& schema() const { return schema_; }
  const SimulatedTruth& truth() const { return truth_; }
  std::uint64_t produced() const { return produced_; }

  // The campaigns' short names ("offshore_fund", ...), indexed by SimulatedTruth::campaign.
  static std::vector<std::string> campaign_names();

 private:
  SimulatorOptions options_;
  LabelSchema schema_;
  std::vector<std::uint64_t> accounts_;   // how many organic accounts, then how many per campaign
  std::vector<bool> campaign_as_source_;  // per campaign: its name is its posts' source
  SimulatedTruth truth_;
  std::uint64_t produced_ = 0;
};

}  // namespace sieve::datasets
