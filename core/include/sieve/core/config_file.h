#pragma once
// A run's TOML file with `--set key=value` overrides applied, read table by table into the settings
// structs of the libraries. A key that no reader asks for is an error, so a typo is never ignored.
// toml++ stays inside config_file.cpp.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sieve {

class ConfigFile {
 public:
  // path "" gives an empty file (defaults) plus the overrides. Throws Error(kFormat, "<file>:<line>") on
  // TOML syntax, Error(kIo) when the file cannot be read, Error(kConfig, "--set ...") on a bad override.
  static ConfigFile load(const std::string& path, const std::vector<std::string>& overrides = {});
  // TOML text read from elsewhere (a model file's stored settings); where names it in errors.
  static ConfigFile parse(const std::string& toml_text, const std::string& where);
  ~ConfigFile();
  ConfigFile(ConfigFile&&) noexcept;

  // One table ("data", "train", "data.values"); reading a key that is absent leaves the value as it is.
  class Table {
   public:
    bool present() const { return node_ != nullptr; }
    std::vector<std::string> keys() const;
    void read(const char* key, std::string& out);
    void read(const char* key, bool& out);
    void read(const char* key, double& out);
    void read(const char* key, std::int64_t& out);
    void read(const char* key, int& out);
    void read(const char* key, std::uint32_t& out);
    void read(const char* key, std::uint64_t& out);
    void read(const char* key, std::vector<std::string>& out);
    void read(const char* key, std::vector<int>& out);
    // A sub-table ("values" of "data" is "data.values"), empty when absent.
    Table table(const char* key);
    // A sub-table's keys and values, as strings (for column maps) or integers (for value maps).
    std::map<std::string, std::string> read_strings(const char* key);
    std::map<std::string, int> read_ints(const char* key);
    // Throws Error(kConfig, "<table>.<key>", "unknown key") for a key no read asked for.
    void reject_unknown_keys() const;

   private:
    friend class ConfigFile;
    Table(std::string name, const void* node) : name_(std::move(name)), node_(node) {}
    const void* get(const char* key);
    std::string name_;
    const void* node_;  // toml::table
    std::vector<std::string> read_;
  };

  Table table(const std::string& name) const;
  // An array of tables ([[heads]]): one Table each; empty when absent.
  std::vector<Table> array(const std::string& name) const;
  // The whole resolved configuration as TOML text, to store with checkpoints and models.
  std::string to_toml() const;

 private:
  ConfigFile();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sieve
