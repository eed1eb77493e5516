#include "sieve/core/config_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "sieve/core/error.h"
#include "sieve/core/file_bytes.h"
#include "sieve/core/toml_ascii.h"

namespace sieve {
namespace {

// "a.b.c=value" set into root; the value is read as TOML (3, true, "x", [..]) or else taken as a string.
void apply_override(toml::table& root, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw Error(ErrorKind::kConfig, "--set " + assignment, "expected key=value");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string raw = assignment.substr(equals + 1);
  toml::table parsed;
  try {
    parsed = toml::parse(toml_as_ascii("v = " + raw, "--set " + assignment));
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", raw}};
  } catch (const Error&) {
    parsed = toml::table{{"v", raw}};
  }
  toml::table* table = &root;
  std::size_t begin = 0;
  for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', begin)) {
    const std::string part = key.substr(begin, dot - begin);
    if (!table->contains(part)) table->insert(part, toml::table{});
    table = (*table)[part].as_table();
    if (!table) throw Error(ErrorKind::kConfig, "--set " + assignment, "'" + part + "' is not a table");
    begin = dot + 1;
  }
  table->insert_or_assign(key.substr(begin), *parsed["v"].node());
}

const toml::table* as_table(const void* node) { return static_cast<const toml::table*>(node); }

[[noreturn]] void wrong_type(const std::string& table, const char* key, const char* expected) {
  throw Error(ErrorKind::kConfig, table + "." + key, std::string("must be ") + expected);
}

}  // namespace

struct ConfigFile::Impl {
  toml::table root;
};

ConfigFile::ConfigFile() : impl_(std::make_unique<Impl>()) {}
ConfigFile::~ConfigFile() = default;
ConfigFile::ConfigFile(ConfigFile&&) noexcept = default;

ConfigFile ConfigFile::load(const std::string& path, const std::vector<std::string>& overrides) {
  ConfigFile config = path.empty() ? ConfigFile() : parse(read_file(path, "run configuration"), path);
  for (const auto& assignment : overrides) apply_override(config.impl_->root, assignment);
  return config;
}

ConfigFile ConfigFile::parse(const std::string& toml_text, const std::string& where) {
  ConfigFile config;
  const std::string text = toml_as_ascii(toml_text, where);
  try {
    config.impl_->root = toml::parse(text, where);
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::kFormat, where + ":" + std::to_string(e.source().begin.line),
                std::string(e.description()));
  }
  return config;
}

ConfigFile::Table ConfigFile::table(const std::string& name) const {
  const toml::node* node = impl_->root.at_path(name).node();
  if (!node) return Table(name, nullptr);
  if (!node->as_table()) throw Error(ErrorKind::kConfig, name, "must be a table");
  return Table(name, node->as_table());
}

std::vector<ConfigFile::Table> ConfigFile::array(const std::string& name) const {
  std::vector<Table> tables;
  const toml::node* node = impl_->root.at_path(name).node();
  if (!node) return tables;
  const toml::array* array = node->as_array();
  if (!array) throw Error(ErrorKind::kConfig, name, "must be an array of tables ([[" + name + "]])");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::table* item = (*array)[i].as_table();
    if (!item) throw Error(ErrorKind::kConfig, name, "must be an array of tables ([[" + name + "]])");
    tables.push_back(Table(name + "[" + std::to_string(i) + "]", item));
  }
  return tables;
}

std::string ConfigFile::to_toml() const {
  std::ostringstream out;
  out << impl_->root;
  return out.str();
}

std::vector<std::string> ConfigFile::Table::keys() const {
  std::vector<std::string> out;
  if (node_) {
    for (const auto& [key, value] : *as_table(node_)) out.emplace_back(key.str());
  }
  return out;
}

const void* ConfigFile::Table::get(const char* key) {
  read_.emplace_back(key);
  return node_ ? as_table(node_)->get(key) : nullptr;
}

void ConfigFile::Table::read(const char* key, std::string& out) {
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    const auto value = node->value<std::string>();
    if (!value) wrong_type(name_, key, "a string");
    out = *value;
  }
}

void ConfigFile::Table::read(const char* key, bool& out) {
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    const auto value = node->value<bool>();
    if (!value) wrong_type(name_, key, "true or false");
    out = *value;
  }
}

void ConfigFile::Table::read(const char* key, double& out) {
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    const auto value = node->value<double>();  // an integer converts too
    if (!value) wrong_type(name_, key, "a number");
    out = *value;
  }
}

void ConfigFile::Table::read(const char* key, std::int64_t& out) {
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    if (!node->is_integer()) wrong_type(name_, key, "an integer");
    out = node->value<std::int64_t>().value();
  }
}

void ConfigFile::Table::read(const char* key, int& out) {
  std::int64_t value = out;
  read(key, value);
  if (value < -(1ll << 31) || value >= (1ll << 31)) wrong_type(name_, key, "a 32-bit integer");
  out = static_cast<int>(value);
}

void ConfigFile::Table::read(const char* key, std::uint32_t& out) {
  std::int64_t value = out;
  read(key, value);
  if (value < 0 || value > 0xFFFFFFFFll) wrong_type(name_, key, "an integer from 0 to 4294967295");
  out = static_cast<std::uint32_t>(value);
}

void ConfigFile::Table::read(const char* key, std::uint64_t& out) {
  std::int64_t value = static_cast<std::int64_t>(out);
  read(key, value);
  if (value < 0) wrong_type(name_, key, "a non-negative integer");
  out = static_cast<std::uint64_t>(value);
}

void ConfigFile::Table::read(const char* key, std::vector<std::string>& out) {
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    const toml::array* array = node->as_array();
    if (!array) wrong_type(name_, key, "an array of strings");
    out.clear();
    for (const toml::node& item : *array) {
      const auto value = item.value<std::string>();
      if (!value) wrong_type(name_, key, "an array of strings");
      out.push_back(*value);
    }
  }
}

void ConfigFile::Table::read(const char* key, std::vector<int>& out) {
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    const toml::array* array = node->as_array();
    if (!array) wrong_type(name_, key, "an array of integers");
    out.clear();
    for (const toml::node& item : *array) {
      if (!item.is_integer()) wrong_type(name_, key, "an array of integers");
      out.push_back(static_cast<int>(item.value<std::int64_t>().value()));
    }
  }
}

ConfigFile::Table ConfigFile::Table::table(const char* key) {
  const auto* node = static_cast<const toml::node*>(get(key));
  if (node && !node->as_table()) wrong_type(name_, key, "a table");
  return Table(name_ + "." + key, node ? node->as_table() : nullptr);
}

std::map<std::string, std::string> ConfigFile::Table::read_strings(const char* key) {
  std::map<std::string, std::string> out;
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    const toml::table* table = node->as_table();
    if (!table) wrong_type(name_, key, "a table");
    for (const auto& [name, value] : *table) {
      const auto text = value.value<std::string>();
      if (!text) wrong_type(name_ + "." + key, std::string(name.str()).c_str(), "a string");
      out[std::string(name.str())] = *text;
    }
  }
  return out;
}

std::map<std::string, int> ConfigFile::Table::read_ints(const char* key) {
  std::map<std::string, int> out;
  if (const auto* node = static_cast<const toml::node*>(get(key))) {
    const toml::table* table = node->as_table();
    if (!table) wrong_type(name_, key, "a table");
    for (const auto& [name, value] : *table) {
      if (!value.is_integer()) wrong_type(name_ + "." + key, std::string(name.str()).c_str(), "an integer");
      out[std::string(name.str())] = static_cast<int>(value.value<std::int64_t>().value());
    }
  }
  return out;
}

void ConfigFile::Table::reject_unknown_keys() const {
  if (!node_) return;
  for (const auto& [key, value] : *as_table(node_)) {
    if (std::find(read_.begin(), read_.end(), std::string(key.str())) == read_.end()) {
      throw Error(ErrorKind::kConfig, name_ + "." + std::string(key.str()), "unknown key");
    }
  }
}

}  // namespace sieve
