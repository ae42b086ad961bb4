/*
 * dse4j CUDA stand-in: NVRTC (nvrtc.h), for the run-time compilation path of CUDA 12 drivers. The program's source and
 * headers are kept, every quoted #include must be among the headers given, the options must name a real architecture
 * (--gpu-architecture=sm_XY or -arch=sm_XY), and the "cubin" is a small ELF-tagged image naming that architecture and
 * a hash of the source (DSE4J_STANDIN_CUBIN_TAG), which the driver API's cuModuleLoadData (driver_api.cpp) loads only
 * on a device that can run it. Nothing is compiled: NVIDIA's real NVRTC compiles the same source in CI's nvrtc run.
 */
#include "standin_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <map>
#include <string>
#include <vector>

#define DSE4J_EXPORT __attribute__((visibility("default")))

namespace {

constexpr int NVRTC_SUCCESS = 0;
constexpr int NVRTC_ERROR_INVALID_INPUT = 3;
constexpr int NVRTC_ERROR_INVALID_PROGRAM = 4;
constexpr int NVRTC_ERROR_INVALID_OPTION = 5;
constexpr int NVRTC_ERROR_COMPILATION = 6;

struct Program {
    std::string source;
    std::map<std::string, std::string> headers;
    std::string log;
    std::string cubin;
};

/* Programs by their ledger handle. */
std::map<void *, Program> &programs()
{
    static std::map<void *, Program> table;
    return table;
}

Program *program_of(void *handle)
{
    if (!dse4j_standin_is_handle(handle, "program")) {
        return nullptr;
    }
    auto found = programs().find(handle);
    return found == programs().end() ? nullptr : &found->second;
}

/* A getter's program and output pointer, checked as NVRTC checks them: NVRTC_SUCCESS with *p set, or the error. */
int program_and_output(void *program, const void *output, Program **p)
{
    *p = program_of(program);
    if (*p == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    return output == nullptr ? NVRTC_ERROR_INVALID_INPUT : NVRTC_SUCCESS;
}

/* FNV-1a, 64 bits: enough to tell two sources apart in a stand-in cubin. */
uint64_t fnv1a(const std::string &text)
{
    uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : text) {
        hash = (hash ^ c) * 1099511628211ULL;
    }
    return hash;
}

} // namespace

extern "C" DSE4J_EXPORT int nvrtcVersion(int *major, int *minor)
{
    ENTER("nvrtcVersion");
    if (major == nullptr || minor == nullptr) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    *major = 12;
    *minor = 9;
    return NVRTC_SUCCESS;
}

extern "C" DSE4J_EXPORT const char *nvrtcGetErrorString(int result)
{
    switch (result) {
    case NVRTC_SUCCESS: return "NVRTC_SUCCESS";
    case NVRTC_ERROR_INVALID_INPUT: return "NVRTC_ERROR_INVALID_INPUT";
    case NVRTC_ERROR_INVALID_PROGRAM: return "NVRTC_ERROR_INVALID_PROGRAM";
    case NVRTC_ERROR_INVALID_OPTION: return "NVRTC_ERROR_INVALID_OPTION";
    case NVRTC_ERROR_COMPILATION: return "NVRTC_ERROR_COMPILATION";
    default: return "NVRTC_ERROR unknown";
    }
}

extern "C" DSE4J_EXPORT int nvrtcCreateProgram(void **program, const char *source, const char *name, int header_count,
                                               const char *const *headers, const char *const *include_names)
{
    ENTER("nvrtcCreateProgram");
    if (program == nullptr || source == nullptr || header_count < 0
        || (header_count > 0 && (headers == nullptr || include_names == nullptr))) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    (void) name;
    void *handle;
    if (!dse4j_standin_new_handle(&handle, "program")) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    Program &p = programs()[handle];
    p.source = source;
    for (int i = 0; i < header_count; i++) {
        p.headers[include_names[i]] = headers[i];
    }
    *program = handle;
    return NVRTC_SUCCESS;
}

extern "C" DSE4J_EXPORT int nvrtcDestroyProgram(void **program)
{
    ENTER("nvrtcDestroyProgram");
    if (program == nullptr || program_of(*program) == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    programs().erase(*program);
    dse4j_standin_drop_handle(*program, "program");
    *program = nullptr;
    return NVRTC_SUCCESS;
}

extern "C" DSE4J_EXPORT int nvrtcCompileProgram(void *program, int option_count, const char *const *options)
{
    ENTER("nvrtcCompileProgram");
    Program *p = program_of(program);
    if (p == nullptr) {
        return NVRTC_ERROR_INVALID_PROGRAM;
    }
    if (option_count < 0 || (option_count > 0 && options == nullptr)) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    std::string arch;
    for (int i = 0; i < option_count; i++) {
        std::string option = options[i];
        for (const char *prefix : {"--gpu-architecture=", "-arch="}) {
            if (option.rfind(prefix, 0) == 0) {
                arch = option.substr(strlen(prefix));
            }
        }
    }
    p->log.clear();
    p->cubin.clear();
    // Every quoted include must be a header given to nvrtcCreateProgram: NVRTC has no file system of the user's.
    size_t at = 0;
    while ((at = p->source.find("#include \"", at)) != std::string::npos) {
        size_t start = at + 10;
        size_t end = p->source.find('"', start);
        std::string header = p->source.substr(start, end - start);
        if (p->headers.find(header) == p->headers.end()) {
            p->log = "dse4j_device.cu: catastrophic error: cannot open source file \"" + header + "\"\n";
            return NVRTC_ERROR_COMPILATION;
        }
        at = end;
    }
    if (arch.rfind("sm_", 0) != 0) {
        p->log = "the stand-in's NVRTC makes cubins only: give --gpu-architecture=sm_XY (got \"" + arch + "\")\n";
        return arch.empty() ? NVRTC_ERROR_INVALID_OPTION : NVRTC_ERROR_COMPILATION;
    }
    char hash[32];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long) fnv1a(p->source));
    p->cubin = std::string(DSE4J_STANDIN_CUBIN_TAG) + arch + "\n" + hash + "\n";
    return NVRTC_SUCCESS;
}

extern "C" DSE4J_EXPORT int nvrtcGetCUBINSize(void *program, size_t *size)
{
    ENTER("nvrtcGetCUBINSize");
    Program *p;
    int status = program_and_output(program, size, &p);
    if (status != NVRTC_SUCCESS) {
        return status;
    }
    if (p->cubin.empty()) {
        return NVRTC_ERROR_INVALID_INPUT;   // not compiled, or not to a real architecture
    }
    *size = p->cubin.size();
    return NVRTC_SUCCESS;
}

extern "C" DSE4J_EXPORT int nvrtcGetCUBIN(void *program, char *cubin)
{
    ENTER("nvrtcGetCUBIN");
    Program *p;
    int status = program_and_output(program, cubin, &p);
    if (status != NVRTC_SUCCESS) {
        return status;
    }
    if (p->cubin.empty()) {
        return NVRTC_ERROR_INVALID_INPUT;
    }
    memcpy(cubin, p->cubin.data(), p->cubin.size());
    return NVRTC_SUCCESS;
}

extern "C" DSE4J_EXPORT int nvrtcGetProgramLogSize(void *program, size_t *size)
{
    ENTER("nvrtcGetProgramLogSize");
    Program *p;
    int status = program_and_output(program, size, &p);
    if (status != NVRTC_SUCCESS) {
        return status;
    }
    *size = p->log.size() + 1;
    return NVRTC_SUCCESS;
}

extern "C" DSE4J_EXPORT int nvrtcGetProgramLog(void *program, char *log)
{
    ENTER("nvrtcGetProgramLog");
    Program *p;
    int status = program_and_output(program, log, &p);
    if (status != NVRTC_SUCCESS) {
        return status;
    }
    memcpy(log, p->log.c_str(), p->log.size() + 1);
    return NVRTC_SUCCESS;
}
