//! Shared helpers: build modules from WAT, activate them and run the instrumented module on
//! wasmi the way the devnode does.

#![allow(dead_code)] // each test binary uses a subset

use stylus_activation::{
    activate, ActivatedProgram, ActivationError, StylusParams, INK_LEFT_EXPORT, INK_STATUS_EXPORT,
    STACK_LEFT_EXPORT,
};
use wasmi::{Caller, Engine, Linker, Module, Store, Val};

pub fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("test WAT must assemble")
}

/// A program whose `user_entrypoint` has the given body (after the signature), with a fixed
/// 1-page memory.
pub fn entry_module(body: &str) -> String {
    format!(
        r#"(module
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) {body}))"#
    )
}

pub fn activate_wat(wat: &str) -> Result<ActivatedProgram, ActivationError> {
    activate(&wasm(wat), &StylusParams::default())
}

pub fn reject(wat: &str) -> ActivationError {
    match activate_wat(wat) {
        Ok(_) => panic!("activation should have failed for:\n{wat}"),
        Err(e) => e,
    }
}

/// The instrumented module must be valid for a standard validator.
pub fn assert_valid_output(program: &ActivatedProgram) {
    wasmparser::Validator::new()
        .validate_all(&program.instrumented_wasm)
        .expect("instrumented module must validate");
}

#[derive(Debug)]
pub struct Run {
    /// `Ok(status)` of `user_entrypoint`, or `Err(trap message)`.
    pub result: Result<i32, String>,
    pub ink_left: u64,
    pub ink_status: i32,
    pub stack_left: i32,
    /// Page counts passed to `pay_for_memory_grow`.
    pub grows: Vec<i32>,
}

impl Run {
    pub fn ink_used(&self, start: u64) -> u64 {
        start - self.ink_left
    }
    pub fn out_of_ink(&self) -> bool {
        self.result.is_err() && self.ink_status == 1
    }
    pub fn out_of_stack(&self) -> bool {
        self.result.is_err() && self.stack_left == 0
    }
}

/// Run `user_entrypoint(arg)` of an activated program with `ink` ink and `stack` words.
pub fn run(program: &ActivatedProgram, ink: u64, stack: u32, arg: i32) -> Run {
    let engine = Engine::default();
    let module = Module::new(&engine, &program.instrumented_wasm[..]).expect("wasmi must load it");
    let mut store = Store::new(&engine, Vec::<i32>::new());
    let mut linker = Linker::<Vec<i32>>::new(&engine);
    linker
        .func_wrap(
            "vm_hooks",
            "pay_for_memory_grow",
            |mut caller: Caller<Vec<i32>>, pages: i32| {
                caller.data_mut().push(pages);
            },
        )
        .unwrap();
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .expect("instantiate");
    let global = |name: &str| instance.get_global(&store, name).expect(name);
    let (ink_g, status_g, stack_g) = (
        global(INK_LEFT_EXPORT),
        global(INK_STATUS_EXPORT),
        global(STACK_LEFT_EXPORT),
    );
    ink_g.set(&mut store, Val::I64(ink as i64)).unwrap();
    status_g.set(&mut store, Val::I32(0)).unwrap();
    stack_g.set(&mut store, Val::I32(stack as i32)).unwrap();
    let entry = instance
        .get_typed_func::<i32, i32>(&store, "user_entrypoint")
        .unwrap();
    let result = entry.call(&mut store, arg).map_err(|e| e.to_string());
    let get_i32 = |g: wasmi::Global, store: &Store<Vec<i32>>| match g.get(store) {
        Val::I32(v) => v,
        other => panic!("expected i32, got {other:?}"),
    };
    let ink_left = match ink_g.get(&store) {
        Val::I64(v) => v as u64,
        other => panic!("expected i64, got {other:?}"),
    };
    Run {
        result,
        ink_left,
        ink_status: get_i32(status_g, &store),
        stack_left: get_i32(stack_g, &store),
        grows: store.data().clone(),
    }
}
