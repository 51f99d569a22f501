// SbfLegalize: IR pre-pass so that *upstream* LLVM's BPF backend can compile code for Solana SBPF v0.
//  1. functions and call sites (direct, vtable, fn pointer) needing >5 argument registers: the arguments past
//     the 4th register are packed into a caller-side stack struct passed by pointer in the 5th
//     (upstream BPF: "too many arguments"/"stack arguments are not supported")
//  2. sdiv/srem i32/i64 -> abs + udiv/urem + sign fix   ("unsupported signed division")
//  3. mul i128 -> 64-bit schoolbook with 32-bit halves; udiv/urem/sdiv/srem i128 -> llvm::expandDivision
//     (avoids __multi3/__udivti3 libcalls returning i128: "only small returns supported")
#include "llvm/IR/PassManager.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Transforms/Utils/IntegerDivision.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>
using namespace llvm;

static unsigned regsFor(Type *T) { return T->isIntegerTy(128) ? 2 : 1; }

static Value *mul64wide(IRBuilder<> &B, Value *A, Value *Bv, Value **HiOut) {
  Type *I64 = B.getInt64Ty();
  Value *M32 = ConstantInt::get(I64, 0xffffffffULL);
  Value *a0 = B.CreateAnd(A, M32), *a1 = B.CreateLShr(A, 32);
  Value *b0 = B.CreateAnd(Bv, M32), *b1 = B.CreateLShr(Bv, 32);
  Value *p00 = B.CreateMul(a0, b0), *p01 = B.CreateMul(a0, b1);
  Value *p10 = B.CreateMul(a1, b0), *p11 = B.CreateMul(a1, b1);
  Value *mid = B.CreateAdd(B.CreateAdd(B.CreateLShr(p00, 32), B.CreateAnd(p01, M32)), B.CreateAnd(p10, M32));
  Value *lo = B.CreateOr(B.CreateAnd(p00, M32), B.CreateShl(mid, 32));
  *HiOut = B.CreateAdd(B.CreateAdd(p11, B.CreateLShr(p01, 32)), B.CreateAdd(B.CreateLShr(p10, 32), B.CreateLShr(mid, 32)));
  return lo;
}

static uint64_t envLimit(const char *name, uint64_t dflt) {
  const char *v = getenv(name);
  return v && *v ? strtoull(v, nullptr, 10) : dflt;
}

// memcmp/bcmp with a constant length whose result is only tested against zero (`==`/`!=`, what Rust's
// `[u8; N] == [u8; N]` becomes, e.g. every Pubkey comparison): XOR 8/4/2/1-byte chunks of both sides, OR the
// differences together, test that. Without this the call goes to compiler-builtins' byte loop (LTO makes it an
// internal function, ~7 instructions per byte: ~230 CU for one 32-byte key) or the sol_memcmp_ syscall.
static unsigned expandEqualityMemcmp(Module &M, uint64_t maxLen) {
  unsigned n = 0;
  for (const char *name : {"memcmp", "bcmp"}) {
    Function *F = M.getFunction(name);
    if (!F) continue;
    SmallVector<CallInst *, 64> calls;
    for (User *U : F->users())
      if (auto *CI = dyn_cast<CallInst>(U))
        if (CI->getCalledFunction() == F && CI->arg_size() == 3) calls.push_back(CI);
    for (CallInst *CI : calls) {
      auto *Len = dyn_cast<ConstantInt>(CI->getArgOperand(2));
      if (!Len || Len->getZExtValue() > maxLen) continue;
      bool eqOnly = !CI->use_empty();
      for (User *U : CI->users()) {
        auto *Cmp = dyn_cast<ICmpInst>(U);
        auto *Z = Cmp ? dyn_cast<ConstantInt>(Cmp->getOperand(1)) : nullptr;
        if (!Cmp || !Cmp->isEquality() || Cmp->getOperand(0) != CI || !Z || !Z->isZero()) { eqOnly = false; break; }
      }
      if (!eqOnly) continue;
      IRBuilder<> B(CI);
      Type *I64 = B.getInt64Ty();
      Value *A = CI->getArgOperand(0), *Bp = CI->getArgOperand(1);
      Value *acc = ConstantInt::get(I64, 0);
      uint64_t len = Len->getZExtValue(), off = 0;
      while (off < len) {
        uint64_t w = len - off >= 8 ? 8 : len - off >= 4 ? 4 : len - off >= 2 ? 2 : 1;
        Type *T = B.getIntNTy(w * 8);
        Value *pa = B.CreateConstInBoundsGEP1_64(B.getInt8Ty(), A, off);
        Value *pb = B.CreateConstInBoundsGEP1_64(B.getInt8Ty(), Bp, off);
        Value *x = B.CreateXor(B.CreateAlignedLoad(T, pa, Align(1)), B.CreateAlignedLoad(T, pb, Align(1)));
        acc = B.CreateOr(acc, w == 8 ? x : B.CreateZExt(x, I64));
        off += w;
      }
      Value *res = B.CreateZExt(B.CreateICmpNE(acc, ConstantInt::get(I64, 0)), CI->getType());
      CI->replaceAllUsesWith(res);
      CI->eraseFromParent();
      n++;
    }
  }
  return n;
}

// llvm.memcpy/memmove/memset with a constant length above `maxInline` bytes: the BPF backend expands constant
// copies of up to 128 stores inline (8-byte stores with misaligned access: up to 1 KiB, 2 instructions per 8
// bytes); the sol_mem*_ syscalls cost max(10, n/250) CU plus the call, so past ~64 bytes a syscall is cheaper
// and much smaller. memcpy goes to sol_memmove_ (same cost), which also tolerates LLVM's src == dst copies.
static unsigned memIntrinsicsToSyscalls(Module &M, uint64_t maxInline) {
  LLVMContext &C = M.getContext();
  Type *Ptr = PointerType::get(C, 0), *I64 = Type::getInt64Ty(C), *I8 = Type::getInt8Ty(C);
  FunctionCallee Move = M.getOrInsertFunction("sol_memmove_", Type::getVoidTy(C), Ptr, Ptr, I64);
  FunctionCallee Set = M.getOrInsertFunction("sol_memset_", Type::getVoidTy(C), Ptr, I8, I64);
  SmallVector<MemIntrinsic *, 64> work;
  for (Function &F : M) for (BasicBlock &BB : F) for (Instruction &I : BB)
    if (auto *MI = dyn_cast<MemIntrinsic>(&I))
      if (auto *Len = dyn_cast<ConstantInt>(MI->getLength()))
        if (Len->getZExtValue() > maxInline && !MI->isVolatile()) work.push_back(MI);
  for (MemIntrinsic *MI : work) {
    IRBuilder<> B(MI);
    Value *len = B.CreateZExtOrTrunc(MI->getLength(), I64);
    if (auto *MS = dyn_cast<MemSetInst>(MI))
      B.CreateCall(Set, {MS->getDest(), B.CreateZExtOrTrunc(MS->getValue(), I8), len});
    else
      B.CreateCall(Move, {MI->getDest(), cast<MemTransferInst>(MI)->getSource(), len});
    MI->eraseFromParent();
  }
  return work.size();
}

struct SbfLegalize : PassInfoMixin<SbfLegalize> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    LLVMContext &C = M.getContext();
    unsigned nArgs = 0, nSdiv = 0, nMul = 0, nDiv = 0, nSret = 0;
    // ---- memory builtins: inline equality memcmp, syscalls for large constant copies/fills ----
    unsigned nCmp = expandEqualityMemcmp(M, envLimit("GTX_SBF_MEMCMP_INLINE_MAX", 64));
    unsigned nMem = memIntrinsicsToSyscalls(M, envLimit("GTX_SBF_MEM_INLINE_MAX", 64));
    errs() << "sbf-legalize: " << nCmp << " equality memcmp(s) inlined, " << nMem
           << " constant mem intrinsic(s) to sol_mem*_\n";
    // ---- 0. sret: rustc's bpf callconv already returns >64-bit values through a hidden pointer,
    //         but marks it `sret`, which upstream BPF rejects ("aggregate returns are not supported").
    //         On SBF the sret pointer is just an ordinary first argument -> drop the attribute. ----
    for (Function &F : M) {
      for (unsigned i = 0; i < F.arg_size(); i++)
        if (F.hasParamAttribute(i, Attribute::StructRet)) { F.removeParamAttr(i, Attribute::StructRet); nSret++; }
      for (BasicBlock &BB : F) for (Instruction &I : BB)
        if (auto *CB = dyn_cast<CallBase>(&I))
          for (unsigned i = 0; i < CB->arg_size(); i++)
            if (CB->paramHasAttr(i, Attribute::StructRet)) CB->removeParamAttr(i, Attribute::StructRet);
    }
    // ---- 0b. {u,s}mul.with.overflow on i64 and i128: BPF legalizes them into __multi3/__muloti4 libcalls
    //          that return i128 ("only small returns supported"). i64: widen to an i128 multiply (expanded
    //          below). i128: 64-bit halves, overflow when both high halves are set, the cross terms exceed
    //          64 bits or the final add carries; signed via magnitudes and a range check. ----
    unsigned nMulo = 0;
    auto umulo128 = [](IRBuilder<> &B, Value *a, Value *b, Value **ovfOut) -> Value * {
      Type *I128 = B.getInt128Ty(), *I64 = B.getInt64Ty();
      Value *c64 = ConstantInt::get(I128, 64);
      Value *a0 = B.CreateTrunc(a, I64), *a1 = B.CreateTrunc(B.CreateLShr(a, c64), I64);
      Value *b0 = B.CreateTrunc(b, I64), *b1 = B.CreateTrunc(B.CreateLShr(b, c64), I64);
      Value *zero64 = ConstantInt::get(I64, 0);
      Value *bothHigh = B.CreateAnd(B.CreateICmpNE(a1, zero64), B.CreateICmpNE(b1, zero64));
      Value *cross = B.CreateAdd(B.CreateMul(B.CreateZExt(a1, I128), B.CreateZExt(b0, I128)),
                                 B.CreateMul(B.CreateZExt(a0, I128), B.CreateZExt(b1, I128)));
      Value *crossOvf = B.CreateICmpNE(B.CreateLShr(cross, c64), ConstantInt::get(I128, 0));
      Value *low = B.CreateMul(B.CreateZExt(a0, I128), B.CreateZExt(b0, I128));
      Value *res = B.CreateAdd(low, B.CreateShl(cross, c64));
      Value *addOvf = B.CreateICmpULT(res, low);
      *ovfOut = B.CreateOr(B.CreateOr(bothHigh, crossOvf), addOvf);
      return res;
    };
    for (Function &F : M) {
      SmallVector<IntrinsicInst *, 8> mulo;
      for (BasicBlock &BB : F) for (Instruction &I : BB)
        if (auto *II = dyn_cast<IntrinsicInst>(&I))
          if ((II->getIntrinsicID() == Intrinsic::umul_with_overflow || II->getIntrinsicID() == Intrinsic::smul_with_overflow) &&
              (II->getArgOperand(0)->getType()->isIntegerTy(64) || II->getArgOperand(0)->getType()->isIntegerTy(128)))
            mulo.push_back(II);
      for (IntrinsicInst *II : mulo) {
        IRBuilder<> B(II);
        bool sg = II->getIntrinsicID() == Intrinsic::smul_with_overflow;
        Type *I128 = B.getInt128Ty(), *I64 = B.getInt64Ty();
        Value *a = II->getArgOperand(0), *b = II->getArgOperand(1);
        Value *result, *ov;
        if (a->getType()->isIntegerTy(64)) {
          Value *wa = sg ? B.CreateSExt(a, I128) : B.CreateZExt(a, I128);
          Value *wb = sg ? B.CreateSExt(b, I128) : B.CreateZExt(b, I128);
          Value *p = B.CreateMul(wa, wb);
          result = B.CreateTrunc(p, I64);
          ov = sg ? B.CreateICmpNE(p, B.CreateSExt(result, I128))
                  : B.CreateICmpNE(B.CreateLShr(p, 64), ConstantInt::get(I128, 0));
        } else if (!sg) {
          result = umulo128(B, a, b, &ov);
        } else {
          Value *zero = ConstantInt::get(I128, 0);
          Value *negA = B.CreateICmpSLT(a, zero), *negB = B.CreateICmpSLT(b, zero);
          Value *ua = B.CreateSelect(negA, B.CreateSub(zero, a), a);
          Value *ub = B.CreateSelect(negB, B.CreateSub(zero, b), b);
          Value *uov;
          Value *mag = umulo128(B, ua, ub, &uov);
          Value *neg = B.CreateXor(negA, negB);
          APInt maxPos = APInt::getSignedMaxValue(128);
          Value *limit = B.CreateSelect(neg, ConstantInt::get(I128, maxPos + 1), ConstantInt::get(I128, maxPos));
          ov = B.CreateOr(uov, B.CreateICmpUGT(mag, limit));
          result = B.CreateSelect(neg, B.CreateSub(zero, mag), mag);
        }
        Value *R = B.CreateInsertValue(B.CreateInsertValue(PoisonValue::get(II->getType()), result, 0), ov, 1);
        II->replaceAllUsesWith(R); II->eraseFromParent(); nMulo++;
      }
    }
    if (nMulo) errs() << "sbf-legalize: expanded " << nMulo << " mul.with.overflow\n";
    // ---- arithmetic (2 rounds: i128 division expansion creates variable i128 shifts) ----
    for (int round = 0; round < 2; round++)
    for (Function &F : M) {
      SmallVector<BinaryOperator *, 16> work;
      for (BasicBlock &BB : F) for (Instruction &I : BB)
        if (auto *BO = dyn_cast<BinaryOperator>(&I)) {
          Type *T = BO->getType();
          if (!T->isIntegerTy()) continue;
          unsigned W = T->getIntegerBitWidth();
          auto Op = BO->getOpcode();
          if ((Op == Instruction::SDiv || Op == Instruction::SRem) && (W == 32 || W == 64)) work.push_back(BO);
          else if (W == 128 && (Op == Instruction::Shl || Op == Instruction::LShr || Op == Instruction::AShr) &&
                   !isa<Constant>(BO->getOperand(1))) work.push_back(BO);
          else if (W == 128 && (Op == Instruction::Mul || Op == Instruction::UDiv || Op == Instruction::URem ||
                                Op == Instruction::SDiv || Op == Instruction::SRem)) work.push_back(BO);
        }
      for (BinaryOperator *BO : work) {
        IRBuilder<> B(BO);
        Type *T = BO->getType(); unsigned W = T->getIntegerBitWidth();
        Value *A = BO->getOperand(0), *D = BO->getOperand(1);
        auto OpC = BO->getOpcode();
        if (W == 128 && (OpC == Instruction::Shl || OpC == Instruction::LShr || OpC == Instruction::AShr)) {
          // variable i128 shift -> two i64 halves (avoids __ashlti3/__lshrti3/__ashrti3 libcalls)
          Type *I64 = B.getInt64Ty();
          Value *lo = B.CreateTrunc(A, I64), *hi = B.CreateTrunc(B.CreateLShr(A, ConstantInt::get(T, 64)), I64);
          Value *n = B.CreateAnd(B.CreateTrunc(D, I64), 127);
          Value *big = B.CreateICmpUGE(n, ConstantInt::get(I64, 64));
          Value *isz = B.CreateICmpEQ(n, ConstantInt::get(I64, 0));
          Value *nl = B.CreateAnd(n, 63), *inv = B.CreateSub(ConstantInt::get(I64, 64), nl);
          Value *nlo, *nhi;
          if (OpC == Instruction::Shl) {
            Value *carry = B.CreateSelect(B.CreateICmpEQ(nl, ConstantInt::get(I64, 0)), ConstantInt::get(I64, 0), B.CreateLShr(lo, inv));
            Value *shi = B.CreateOr(B.CreateShl(hi, nl), carry), *slo = B.CreateShl(lo, nl);
            nhi = B.CreateSelect(big, B.CreateShl(lo, nl), shi);
            nlo = B.CreateSelect(big, ConstantInt::get(I64, 0), slo);
          } else {
            bool ar = OpC == Instruction::AShr;
            Value *carry = B.CreateSelect(B.CreateICmpEQ(nl, ConstantInt::get(I64, 0)), ConstantInt::get(I64, 0), B.CreateShl(hi, inv));
            Value *slo = B.CreateOr(B.CreateLShr(lo, nl), carry);
            Value *shi = ar ? B.CreateAShr(hi, nl) : B.CreateLShr(hi, nl);
            Value *fill = ar ? B.CreateAShr(hi, 63) : (Value *)ConstantInt::get(I64, 0);
            nlo = B.CreateSelect(big, shi, slo);
            nhi = B.CreateSelect(big, fill, shi);
          }
          (void)isz;
          Value *R = B.CreateOr(B.CreateZExt(nlo, T), B.CreateShl(B.CreateZExt(nhi, T), ConstantInt::get(T, 64)));
          BO->replaceAllUsesWith(R); BO->eraseFromParent(); nMul++;
        } else if (W == 128 && BO->getOpcode() == Instruction::Mul) {
          Type *I64 = B.getInt64Ty();
          Value *alo = B.CreateTrunc(A, I64), *ahi = B.CreateTrunc(B.CreateLShr(A, 64), I64);
          Value *blo = B.CreateTrunc(D, I64), *bhi = B.CreateTrunc(B.CreateLShr(D, 64), I64);
          Value *hi; Value *lo = mul64wide(B, alo, blo, &hi);
          hi = B.CreateAdd(hi, B.CreateAdd(B.CreateMul(alo, bhi), B.CreateMul(ahi, blo)));
          Value *R = B.CreateOr(B.CreateZExt(lo, T), B.CreateShl(B.CreateZExt(hi, T), 64));
          BO->replaceAllUsesWith(R); BO->eraseFromParent(); nMul++;
        } else if (W == 128) {
          if (BO->getOpcode() == Instruction::UDiv || BO->getOpcode() == Instruction::SDiv) expandDivision(BO);
          else expandRemainder(BO);
          nDiv++;
        } else {
          Value *Z = ConstantInt::get(T, 0);
          Value *sa = B.CreateICmpSLT(A, Z), *sd = B.CreateICmpSLT(D, Z);
          Value *ua = B.CreateSelect(sa, B.CreateSub(Z, A), A), *ud = B.CreateSelect(sd, B.CreateSub(Z, D), D);
          Value *R;
          if (BO->getOpcode() == Instruction::SDiv) {
            Value *q = B.CreateUDiv(ua, ud);
            R = B.CreateSelect(B.CreateXor(sa, sd), B.CreateSub(Z, q), q);
          } else {
            Value *r = B.CreateURem(ua, ud);
            R = B.CreateSelect(sa, B.CreateSub(Z, r), r);
          }
          BO->replaceAllUsesWith(R); BO->eraseFromParent(); nSdiv++;
        }
      }
    }
    // ---- >5 register arguments ----
    // Upstream BPF passes at most 5 arguments in registers and has no stack arguments. The module is the
    // whole program (fat LTO, one entrypoint), so we are free to change the calling convention: every
    // function type needing more than 5 argument registers becomes (first args that fit in 4 registers,
    // pointer to a caller-built struct of the rest). Definitions, direct calls and indirect calls through
    // vtables or function pointers all derive the same layout from the original function type.
    auto needsPack = [](FunctionType *FT) {
      unsigned regs = 0;
      for (Type *T : FT->params()) regs += regsFor(T);
      return regs > 5 && !FT->isVarArg();
    };
    auto packedKeep = [](FunctionType *FT) {
      unsigned keep = 0, used = 0;
      for (Type *T : FT->params()) { if (used + regsFor(T) > 4) break; used += regsFor(T); keep++; }
      return keep;
    };
    auto packStruct = [&](FunctionType *FT, unsigned keep) {
      SmallVector<Type *, 8> packed;
      for (unsigned i = keep; i < FT->getNumParams(); i++) packed.push_back(FT->getParamType(i));
      return StructType::get(C, packed);
    };
    auto packedType = [&](FunctionType *FT, unsigned keep) {
      SmallVector<Type *, 8> params;
      for (unsigned i = 0; i < keep; i++) params.push_back(FT->getParamType(i));
      params.push_back(PointerType::get(C, 0));
      return FunctionType::get(FT->getReturnType(), params, false);
    };
    SmallVector<Function *, 16> fns;
    for (Function &F : M) {
      if (F.isVarArg() || !needsPack(F.getFunctionType())) continue;
      if (F.isDeclaration()) {
        if (!F.use_empty())
          report_fatal_error(Twine("sbf-legalize: external function '") + F.getName() +
                             "' takes more than 5 argument registers; SBF cannot call it");
        continue;
      }
      fns.push_back(&F);
    }
    // 1. definitions: new function with the packed signature, body moved over, every use redirected
    //    (call sites are rewritten in step 2, address-taken uses such as vtable slots just point at it).
    for (Function *F : fns) {
      FunctionType *FT = F->getFunctionType();
      unsigned keep = packedKeep(FT);
      StructType *ST = packStruct(FT, keep);
      for (unsigned i = keep; i < FT->getNumParams(); i++)
        if (F->hasParamAttribute(i, Attribute::ByVal) || F->hasParamAttribute(i, Attribute::InAlloca))
          report_fatal_error(Twine("sbf-legalize: byval argument beyond the 5th register in ") + F->getName());
      FunctionType *NFT = packedType(FT, keep);
      Function *NF = Function::Create(NFT, F->getLinkage(), F->getAddressSpace(), F->getName() + ".sbfpacked", &M);
      AttributeList AL = F->getAttributes();
      SmallVector<AttributeSet, 8> pattrs;
      for (unsigned i = 0; i < keep; i++) pattrs.push_back(AL.getParamAttrs(i));
      pattrs.push_back(AttributeSet());
      NF->setAttributes(AttributeList::get(C, AL.getFnAttrs(), AL.getRetAttrs(), pattrs));
      NF->setCallingConv(F->getCallingConv());
      NF->setVisibility(F->getVisibility());
      NF->copyMetadata(F, 0);
      NF->splice(NF->begin(), F);
      IRBuilder<> B(&*NF->getEntryBlock().getFirstInsertionPt());
      for (unsigned i = 0; i < F->arg_size(); i++) {
        Argument *OA = F->getArg(i);
        if (i < keep) { NF->getArg(i)->takeName(OA); OA->replaceAllUsesWith(NF->getArg(i)); }
        else OA->replaceAllUsesWith(B.CreateLoad(OA->getType(), B.CreateStructGEP(ST, NF->getArg(keep), i - keep)));
      }
      std::string name = F->getName().str();
      F->replaceAllUsesWith(NF);
      F->eraseFromParent();
      NF->setName(name);
      nArgs++;
    }
    // 2. call sites, direct or indirect, whose call type needs more than 5 registers.
    unsigned nCalls = 0;
    for (Function &F : M) {
      SmallVector<CallBase *, 8> sites;
      for (BasicBlock &BB : F) for (Instruction &I : BB)
        if (auto *CB = dyn_cast<CallBase>(&I))
          if (!CB->getFunctionType()->isVarArg() && needsPack(CB->getFunctionType())) sites.push_back(CB);
      for (CallBase *CB : sites) {
        auto *CI = dyn_cast<CallInst>(CB);
        if (!CI)
          report_fatal_error(Twine("sbf-legalize: invoke/callbr with more than 5 argument registers in ") + F.getName());
        FunctionType *FT = CI->getFunctionType();
        unsigned keep = packedKeep(FT);
        StructType *ST = packStruct(FT, keep);
        FunctionType *NFT = packedType(FT, keep);
        IRBuilder<> EB(&*F.getEntryBlock().getFirstInsertionPt());
        AllocaInst *Pack = EB.CreateAlloca(ST);
        IRBuilder<> CB2(CI);
        SmallVector<Value *, 8> args;
        SmallVector<AttributeSet, 8> pattrs;
        AttributeList AL = CI->getAttributes();
        for (unsigned i = 0; i < CI->arg_size(); i++) {
          if (i < keep) { args.push_back(CI->getArgOperand(i)); pattrs.push_back(AL.getParamAttrs(i)); }
          else CB2.CreateStore(CI->getArgOperand(i), CB2.CreateStructGEP(ST, Pack, i - keep));
        }
        args.push_back(Pack);
        pattrs.push_back(AttributeSet());
        CallInst *NC = CB2.CreateCall(NFT, CI->getCalledOperand(), args);
        NC->setCallingConv(CI->getCallingConv());
        NC->setAttributes(AttributeList::get(C, AL.getFnAttrs(), AL.getRetAttrs(), pattrs));
        NC->setTailCallKind(CallInst::TCK_None);
        if (!CI->getType()->isVoidTy()) NC->takeName(CI);
        CI->replaceAllUsesWith(NC);
        CI->eraseFromParent();
        nCalls++;
      }
    }
    errs() << "sbf-legalize: repacked " << nArgs << " fn(s) and " << nCalls << " call(s) with >5 arg regs, " << nSdiv << " sdiv/srem, "
           << nMul << " i128 mul, " << nDiv << " i128 div/rem, " << nSret << " sret attr(s) dropped\n";
    return PreservedAnalyses::none();
  }
};

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "SbfLegalize", "0.1", [](PassBuilder &PB) {
    PB.registerPipelineParsingCallback([](StringRef N, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
      if (N == "sbf-legalize") { MPM.addPass(SbfLegalize()); return true; } return false; });
  }};
}
