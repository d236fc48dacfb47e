// physics/pair_mlp_grad.cpp — pair_mlp_param_grad_cpu: PairMlp::param_grad summed over pairs (physics/pair_mlp_grad.hpp).
#include "noether/physics/pair_mlp_grad.hpp"

#include <vector>

namespace noether {

template <typename T>
void pair_mlp_param_grad_cpu(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* r,
                             const T* w, const T* c, std::size_t n, T* grad) {
  check_pair_mlp_shape(shape, scaling);
  NOETHER_REQUIRE(params != nullptr && grad != nullptr, "pair_mlp_param_grad_cpu: params and grad must be non-null");
  NOETHER_REQUIRE(n == 0 || r != nullptr, "pair_mlp_param_grad_cpu: r must be non-null when n = " << n << " > 0");
  std::vector<double> acc(shape.parameter_count(), 0.0);  // (P) float64 accumulator
  with_pair_mlp<T>(shape, params, scaling, [&](const auto& mlp) {
    for (std::size_t k = 0; k < n; ++k) {
      const T wk = w ? w[k] : T(0), ck = c ? c[k] : T(0);
      if (wk == T(0) && ck == T(0)) continue;
      mlp.param_grad(r[k], wk, ck, acc.data());
    }
  });
  for (std::size_t p = 0; p < acc.size(); ++p) grad[p] += T(acc[p]);
}

template void pair_mlp_param_grad_cpu<float>(const MlpShape&, const float*, const PairScaling&, const float*,
                                             const float*, const float*, std::size_t, float*);
template void pair_mlp_param_grad_cpu<double>(const MlpShape&, const double*, const PairScaling&, const double*,
                                              const double*, const double*, std::size_t, double*);

}  // namespace noether
