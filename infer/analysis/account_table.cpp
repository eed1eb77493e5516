#include "sieve/analysis/account_table.h"

#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string_view>

#include "sieve/core/progress.h"

namespace sieve::analysis {
namespace {

constexpr std::size_t kChunk = 4096;  // posts scored together
const datasets::RejectHandler kSilent = [](const std::string&, const std::string&) {};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class AccountReader {
 public:
  AccountReader(const infer::Model* model, AccountTable& table) : model_(model), table_(table) {
    if (!model) return;
    for (std::size_t h = 0; h < model->heads().size(); ++h) {
      if (!model->heads()[h].binary) continue;
      if (model->heads()[h].name == "coordinated")
        table.coordinated_head = static_cast<int>(table.heads.size());
      table.heads.push_back(model->heads()[h].name);
      head_index_.push_back(h);
    }
  }

  void add(datasets::Record record, std::uint32_t cluster) {
    const std::uint32_t account = intern(record.group_or_id());
    table_.posts_without_account += record.group == record.id;  // the reader's stand-in for a missing group
    AccountRow& row = table_.accounts[account];
    row.langs |= language_bit(record.lang);
    if (record.time != 0) {
      row.first_time = row.first_time == 0 ? record.time : std::min(row.first_time, record.time);
      row.last_time = std::max(row.last_time, record.time);
    }
    table_.posts.push_back({account, cluster, record.time});
    if (model_) {
      chunk_.push_back(std::move(record));
      if (chunk_.size() == kChunk) score_chunk();
    }
  }

  void finish() {
    if (model_ && !chunk_.empty()) score_chunk();
  }

 private:
  std::uint32_t intern(const std::string& name) {
    const auto [it, added] = index_.try_emplace(name, static_cast<std::uint32_t>(table_.accounts.size()));
    if (added) table_.accounts.push_back({name, 0, 0, 0});
    return it->second;
  }

  std::uint64_t language_bit(const std::string& lang) {
    auto it = std::find(table_.langs.begin(), table_.langs.end(), lang);
    if (it == table_.langs.end()) {
      if (table_.langs.size() == 64) return 0;
      table_.langs.push_back(lang);
      it = table_.langs.end() - 1;
    }
    return std::uint64_t{1} << (it - table_.langs.begin());
  }

  void score_chunk() {
    std::vector<std::string_view> texts;
    for (const datasets::Record& r : chunk_) texts.push_back(r.text);
    std::vector<float> probabilities(texts.size() * model_->output_count());
    model_->score_batch(texts, probabilities.data());
    for (std::size_t i = 0; i < chunk_.size(); ++i) {
      for (const std::size_t h : head_index_) {
        const float p = probabilities[i * model_->output_count() + model_->output_offset(h)];
        table_.scores.push_back(p);
        table_.flagged.push_back(p >= model_->heads()[h].threshold_for(chunk_[i].lang));
      }
    }
    chunk_.clear();
  }

  const infer::Model* model_;
  AccountTable& table_;
  std::vector<std::size_t> head_index_;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<datasets::Record> chunk_;
};

}  // namespace

double AccountTable::mean_coordinated(std::size_t account) const {
  return coordinated_head < 0 ? std::nan("")
                              : summaries[account][static_cast<std::size_t>(coordinated_head)].mean;
}

AccountTable read_accounts(const std::vector<std::string>& inputs, const datasets::ReaderConfig& config,
                           const datasets::TemplateClusters& clusters, const infer::Model* model) {
  AccountTable table;
  AccountReader accounts(model, table);
  Progress progress("accounts: posts read");
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::uint32_t>& cluster_of = clusters.clusters.cluster_of;
  for (const std::string& input : inputs) {
    datasets::RecordReader reader(input, config, kSilent);  // the first pass reported bad rows
    for (datasets::Record record; reader.next(record);) {
      accounts.add(std::move(record), cluster_of.at(table.posts.size()));
      progress.update(table.posts.size(), seconds_since(start), cluster_of.size());
    }
  }
  accounts.finish();
  progress.finish(table.posts.size(), seconds_since(start));
  summarize_heads(table);
  return table;
}

AccountTable read_accounts_streaming(const std::vector<std::string>& inputs,
                                     const datasets::ReaderConfig& config,
                                     const datasets::TemplateWindowOptions& templates,
                                     const infer::Model* model, datasets::ReadStats& stats) {
  AccountTable table;
  AccountReader accounts(model, table);
  datasets::TemplateWindow window(templates);
  std::unordered_map<std::uint64_t, std::uint32_t> template_index;
  Progress progress("accounts: posts read");
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& input : inputs) {
    datasets::RecordReader reader(input, config);
    reader.report_unreadable_times();  // the window and the account's times use them
    for (datasets::Record record; reader.next(record);) {
      const std::string_view account = record.group_or_id();
      const std::uint64_t id = window.observe(record.text, account, record.time).template_id;
      const auto [it, added] =
          template_index.try_emplace(id, static_cast<std::uint32_t>(template_index.size()));
      accounts.add(std::move(record), it->second);
      progress.update(table.posts.size(), seconds_since(start));
    }
    stats += reader.stats();
  }
  accounts.finish();
  progress.finish(table.posts.size(), seconds_since(start));
  summarize_heads(table);
  return table;
}

void summarize_heads(AccountTable& table) {
  const std::size_t heads = table.heads.size();
  table.summaries.assign(table.accounts.size(), std::vector<HeadSummary>(heads));
  if (heads == 0) return;
  std::vector<std::vector<std::uint32_t>> posts_of(table.accounts.size());
  for (std::uint32_t i = 0; i < table.posts.size(); ++i) posts_of[table.posts[i].account].push_back(i);
  std::vector<float> values;
  for (std::size_t a = 0; a < table.accounts.size(); ++a) {
    const std::vector<std::uint32_t>& posts = posts_of[a];
    for (std::size_t h = 0; h < heads; ++h) {
      values.clear();
      double flagged = 0;
      for (const std::uint32_t i : posts) {
        values.push_back(table.scores[i * heads + h]);
        flagged += table.flagged[i * heads + h];
      }
      HeadSummary& s = table.summaries[a][h];
      s.mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
      s.flagged = flagged / values.size();
      const std::size_t k = values.size() * 9 / 10;  // below size(): every account has a post
      std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
      s.p90 = values[k];
    }
  }
}

std::unordered_map<std::uint32_t, PostText> read_posts(const std::vector<std::string>& inputs,
                                                       const datasets::ReaderConfig& config,
                                                       const std::vector<std::uint32_t>& wanted) {
  std::unordered_map<std::uint32_t, PostText> found;
  for (const std::uint32_t n : wanted) found.emplace(n, PostText{});
  std::uint32_t n = 0;
  for (const std::string& input : inputs) {
    datasets::RecordReader reader(input, config, kSilent);  // the first pass reported bad rows
    for (datasets::Record record; reader.next(record); ++n) {
      const auto it = found.find(n);
      if (it != found.end()) it->second = {std::move(record.id), std::move(record.text)};
    }
  }
  return found;
}

}  // namespace sieve::analysis
