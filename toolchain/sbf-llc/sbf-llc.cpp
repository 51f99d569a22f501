// sbf-llc: codegen driver for the offline SBF pipeline (upstream LLVM BPF backend -> relocatable object).
// Same as `llc -march=bpfel -mcpu=v2 -relocation-model=pic -filetype=obj`, plus what plain llc cannot do:
//  * "A call to built-in function 'X' is not supported" is only a note: the backend still emits
//    `call -1` + R_BPF_64_32 against X, which the relinker maps to a syscall or links from the runtime library.
//  * the BPF stack warning is only a note: frame sizes are emitted in .stack_sizes (EmitStackSizeSection)
//    and the relinker rejects frames over 4 KiB naming the function and its size, which llc's message does not.
//  * every other error stays fatal (exit 1).
// usage: sbf-llc in.bc out.o [llvm cl options...]
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"
#include <cstring>
#include <vector>
using namespace llvm;

static int fatalErrors = 0, libcalls = 0, stackNotes = 0;

static void onDiagnostic(const DiagnosticInfo *DI, void *) {
  std::string msg;
  raw_string_ostream os(msg);
  DiagnosticPrinterRawOStream printer(os);
  DI->print(printer);
  if (DI->getSeverity() == DS_Error) {
    if (msg.find("A call to built-in function") != std::string::npos) {
      libcalls++;
    } else if (msg.find("BPF stack limit") != std::string::npos) {
      stackNotes++;  // the relinker reports the exact frame size from .stack_sizes
    } else {
      fatalErrors++;
      errs() << "sbf-llc: error: " << msg << "\n";
    }
  } else if (DI->getSeverity() == DS_Warning) {
    errs() << "sbf-llc: warning: " << msg << "\n";
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    errs() << "usage: " << argv[0] << " in.bc out.o [llvm-opts]\n";
    return 2;
  }
  std::vector<const char *> cl = {"sbf-llc", "-bpf-stack-size=4096", "-bpf-min-jump-table-entries=1000000"};
  for (int i = 3; i < argc; i++) cl.push_back(argv[i]);
  cl::ParseCommandLineOptions(cl.size(), cl.data());
  LLVMInitializeBPFTargetInfo();
  LLVMInitializeBPFTarget();
  LLVMInitializeBPFTargetMC();
  LLVMInitializeBPFAsmPrinter();

  LLVMContext ctx;
  ctx.setDiagnosticHandlerCallBack(onDiagnostic, nullptr);
  auto buf = MemoryBuffer::getFile(argv[1]);
  if (!buf) { errs() << "sbf-llc: cannot read " << argv[1] << "\n"; return 1; }
  auto mod = parseBitcodeFile((*buf)->getMemBufferRef(), ctx);
  if (!mod) { errs() << "sbf-llc: bitcode parse failed: " << toString(mod.takeError()) << "\n"; return 1; }
  Triple triple("bpfel");
  std::string err;
  const Target *target = TargetRegistry::lookupTarget(triple, err);
  if (!target) { errs() << "sbf-llc: " << err << "\n"; return 1; }
  TargetOptions opts;
  opts.EmitStackSizeSection = true;
  // The SBF VM loads and stores at any alignment; without this feature upstream BPF splits every load of a
  // byte array (e.g. a [u8; 32] key) into single-byte loads and shifts (~300 CU per key read).
  std::unique_ptr<TargetMachine> tm(
      target->createTargetMachine(triple, "v2", "+allows-misaligned-mem-access", opts, Reloc::PIC_));
  (*mod)->setTargetTriple(triple);
  (*mod)->setDataLayout(tm->createDataLayout());

  std::error_code ec;
  raw_fd_ostream out(argv[2], ec);
  if (ec) { errs() << "sbf-llc: cannot write " << argv[2] << ": " << ec.message() << "\n"; return 1; }
  legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, out, nullptr, CodeGenFileType::ObjectFile)) {
    errs() << "sbf-llc: target cannot emit object files\n";
    return 1;
  }
  pm.run(**mod);
  out.flush();
  errs() << "sbf-llc: " << libcalls << " libcall(s) left to the linker, " << stackNotes
         << " stack-limit note(s), " << fatalErrors << " fatal error(s)\n";
  return fatalErrors ? 1 : 0;
}
