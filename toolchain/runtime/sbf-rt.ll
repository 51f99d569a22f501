; GridTokenX SBF runtime: C library functions that LLVM emits calls to and Solana implements as syscalls
; with a different signature. Linked after codegen, only when the object calls them
; (memcpy/memmove/memset map 1:1 onto sol_memcpy_/sol_memmove_/sol_memset_ in the relinker instead).
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpfel"

declare i64 @sol_memcmp_(ptr, ptr, i64, ptr)

define weak i32 @memcmp(ptr %a, ptr %b, i64 %n) {
  %result = alloca i32, align 4
  store i32 0, ptr %result, align 4
  %ignored = call i64 @sol_memcmp_(ptr %a, ptr %b, i64 %n, ptr %result)
  %v = load i32, ptr %result, align 4
  ret i32 %v
}

define weak i32 @bcmp(ptr %a, ptr %b, i64 %n) {
  %v = call i32 @memcmp(ptr %a, ptr %b, i64 %n)
  ret i32 %v
}
